// Reads this namespace's bridge ports and their VLANs from the kernel (iproute2 JSON).
import { execFileSync } from 'node:child_process';
import type { BridgeVlans, KernelBridgeState } from './bridge-rows.ts';

function json<T>(cmd: string, args: string[]): T[] {
  try {
    return JSON.parse(
      execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) || '[]',
    ) as T[];
  } catch {
    return [];
  }
}

interface IpLink {
  ifname: string;
  ifindex: number;
  address?: string;
  master?: string;
  linkinfo?: { info_kind?: string; info_slave_kind?: string; info_slave_data?: { no?: string } };
}

export function readKernelBridgeState(): KernelBridgeState {
  const links = json<IpLink>('ip', ['-j', '-d', 'link', 'show']);
  const bridge = links.find((l) => l.linkinfo?.info_kind === 'bridge');
  const ports = links
    .filter((l) => l.master === bridge?.ifname && l.linkinfo?.info_slave_kind === 'bridge')
    .map((l) => ({ ifname: l.ifname, ifIndex: l.ifindex, port: Number(l.linkinfo?.info_slave_data?.no) }))
    .filter((p) => Number.isInteger(p.port) && p.port > 0);
  return {
    ...(bridge?.address && { address: bridge.address }),
    ports,
    vlans: json<BridgeVlans>('bridge', ['-j', 'vlan', 'show']),
  };
}
