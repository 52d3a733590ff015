// Reads this namespace's bridge ports and their VLANs from the kernel (iproute2 JSON).
import { commandJson } from './command-json.ts';
import type { BridgeVlans, KernelBridgeState } from './bridge-rows.ts';

interface IpLink {
  ifname: string;
  ifindex: number;
  address?: string;
  master?: string;
  linkinfo?: { info_kind?: string; info_slave_kind?: string; info_slave_data?: { no?: string } };
}

export function readKernelBridgeState(): KernelBridgeState {
  const links = commandJson<IpLink>('ip', ['-j', '-d', 'link', 'show']);
  const bridge = links.find((l) => l.linkinfo?.info_kind === 'bridge');
  const ports = links
    .filter((l) => l.master === bridge?.ifname && l.linkinfo?.info_slave_kind === 'bridge')
    .map((l) => ({ ifname: l.ifname, ifIndex: l.ifindex, port: Number(l.linkinfo?.info_slave_data?.no) }))
    .filter((p) => Number.isInteger(p.port) && p.port > 0);
  return {
    ...(bridge?.address && { address: bridge.address }),
    ports,
    vlans: commandJson<BridgeVlans>('bridge', ['-j', 'vlan', 'show']),
  };
}
