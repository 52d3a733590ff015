// What the agent tells the server about its host: name, OS, interfaces with addresses and MACs, and
// whether it may use raw packets (CAP_NET_RAW, from the effective capability set).
import { arch, hostname, networkInterfaces, release, type } from 'node:os';
import type { HostFacts } from '@netspotter/shared/agent-protocol';
import { hasCapability } from './capabilities.ts';
import type { Policy } from './policy.ts';
import { AGENT_VERSION } from './version.ts';

export interface InterfaceInfo {
  name: string;
  mac?: string;
  addresses: string[];
}

export function interfaces(): InterfaceInfo[] {
  return Object.entries(networkInterfaces()).map(([name, addrs = []]) => ({
    name,
    mac: addrs.find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac,
    addresses: addrs.map((a) => (a.family === 'IPv6' && a.scopeid ? `${a.address}` : a.address)),
  }));
}

/** The address a frame from this interface should carry: a global IPv6 address, else the link-local one. */
export function sourceAddress(info: InterfaceInfo): string {
  const v6 = info.addresses.filter((a) => a.includes(':'));
  const global = v6.find((a) => !a.toLowerCase().startsWith('fe80'));
  const chosen = global ?? v6[0];
  if (!chosen) throw new Error(`interface ${info.name} has no IPv6 address`);
  return chosen.split('%')[0]!;
}

export function hostFacts(engine: string, engines: string[], policy: Policy): HostFacts {
  return {
    hostname: hostname(),
    os: `${type()} ${release()}`,
    arch: arch(),
    agentVersion: AGENT_VERSION,
    interfaces: interfaces().map((i) => ({
      name: i.name,
      ...(i.mac && { mac: i.mac }),
      addresses: i.addresses,
    })),
    capabilities: { rawPackets: hasCapability('CAP_NET_RAW'), engines },
    engine,
    policy,
  };
}
