// Where a test agent sits on a snapshot's topology, from the evidence of its MACs and addresses: a polled
// device holding one of its addresses (it is that device), an LLDP neighbour announcing its MAC or an
// address (the port that sees it), else the edge port the FDBs lead to for its MAC, directly or through
// the MAC its address resolves to in ARP/ND (pure; the devices' facts mentioning it are handed in).
import { canonicalIp, normaliseMac } from '@netspotter/shared';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import type { Topology } from '../snapshots/graph.ts';
import { searchTopology } from '../snapshots/search.ts';

export interface AgentIdentity {
  macs: string[];
  addresses: string[];
}

export interface Placement {
  device: string;
  ifIndex?: number;
  ifName?: string;
  evidence: 'address' | 'LLDP' | 'FDB' | 'ARP/ND';
}

/** The agent's MACs and addresses, canonical, without link-local or loopback ones that identify nothing. */
export function agentIdentity(
  interfaces: { mac?: string; addresses: string[]; internal?: boolean }[],
): AgentIdentity {
  const own = interfaces.filter((i) => !i.internal);
  const macs = own
    .flatMap((i) => (i.mac ? [normaliseMac(i.mac)] : []))
    .filter((m): m is string => !!m && m !== '00:00:00:00:00:00');
  const addresses = own
    .flatMap((i) => i.addresses.map((a) => canonicalIp(a.split('/')[0]!)))
    .filter((a): a is string => !!a && !a.startsWith('fe80:') && a !== '::1' && !a.startsWith('127.'));
  return { macs: [...new Set(macs)], addresses: [...new Set(addresses)] };
}

export function placeAgent(t: Topology, who: AgentIdentity, facts: DeviceFacts[][]): Placement | undefined {
  const holder = t.devices.find((d) => d.addresses.some((a) => who.addresses.includes(a)));
  if (holder) return { device: holder.id, evidence: 'address' };
  const seenBy = t.links.find((l) => {
    const u = l.layer === 'l2' && l.b.unmanaged ? t.unmanaged.find((x) => x.id === l.b.unmanaged) : undefined;
    const chassis = u?.chassisId ? normaliseMac(u.chassisId) : undefined;
    return (
      u && ((chassis && who.macs.includes(chassis)) || u.addresses.some((a) => who.addresses.includes(a)))
    );
  });
  if (seenBy)
    return {
      device: seenBy.a.device,
      ...(seenBy.a.ifIndex !== undefined && { ifIndex: seenBy.a.ifIndex }),
      ...(seenBy.a.ifName && { ifName: seenBy.a.ifName }),
      evidence: 'LLDP',
    };
  for (const key of [...who.macs, ...who.addresses]) {
    const hit = searchTopology(t, key, { facts }).find((h) => h.kind === 'host' && h.device && h.edge);
    if (hit)
      return {
        device: hit.device,
        ...(hit.ifIndex !== undefined && { ifIndex: hit.ifIndex }),
        ...(hit.ifName && { ifName: hit.ifName }),
        evidence: hit.matched === 'FDB' ? 'FDB' : 'ARP/ND',
      };
  }
  return undefined;
}
