// Everything known about one device in a snapshot, for its detail table (pure).
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import type { Topology } from './graph.ts';
import { endNode } from './graph.ts';

export function deviceDetails(
  t: Topology,
  deviceId: string,
  facts: DeviceFacts[],
  opts: { fdbLimit: number },
) {
  const device = t.devices.find((d) => d.id === deviceId);
  if (!device) return undefined;
  const f = facts[0];
  const all = <T>(pick: (x: DeviceFacts) => T[]) => facts.flatMap(pick);
  const fdb = all((x) => x.bridge.fdb);
  const neighbours = all((x) => x.neighbors);
  return {
    ...device,
    role: t.roles[deviceId] ?? 'host',
    system: f?.system ?? {},
    interfaces: f?.interfaces ?? device.interfaces,
    addressTable: all((x) => x.addresses),
    lldpNeighbors: all((x) => x.lldp.remotes),
    cdpNeighbors: all((x) => x.cdp.entries),
    fdb: fdb.slice(0, opts.fdbLimit),
    fdbTotal: fdb.length,
    ipv6Neighbors: neighbours.filter((n) => n.family === 'ipv6'),
    ipv4Neighbors: neighbours.filter((n) => n.family === 'ipv4'),
    routes: all((x) => x.routes),
    vlans: f?.vlans,
    spanningTree: f?.stp,
    links: t.links.filter((l) => l.a.device === deviceId || endNode(l.b) === deviceId),
    hosts: t.hosts.filter((h) => h.device === deviceId),
    multicast: {
      groups: t.multicast.groups
        .map((g) => ({ group: g.group, listeners: g.listeners.filter((l) => l.device === deviceId) }))
        .filter((g) => g.listeners.length > 0),
      routes: t.multicast.routes.filter((r) => r.device === deviceId),
      pimNeighbors: t.multicast.pimNeighbors.filter((p) => p.device === deviceId),
      snooping: f?.multicast.snooping,
    },
    report: t.report.filter((r) => r.device === deviceId),
  };
}
