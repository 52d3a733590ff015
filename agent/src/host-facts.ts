// What the agent tells the server about its host: name, OS, interfaces with addresses and MACs, and
// whether it may use raw packets (CAP_NET_RAW, from the effective capability set).
import { arch, hostname, networkInterfaces, release, type } from 'node:os';
import type { AgentPolicy, HostFacts } from '@netspotter/shared/agent-protocol';
import { loadSourceAddress } from '@netspotter/shared';
import { hasCapability } from './capabilities.ts';
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
  const chosen = loadSourceAddress(info.addresses);
  if (!chosen) throw new Error(`interface ${info.name} has no IPv6 address`);
  return chosen;
}

export function hostFacts(engine: string, engines: string[], policy: AgentPolicy): HostFacts {
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
