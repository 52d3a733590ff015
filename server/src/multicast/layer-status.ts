// Why the multicast layer is empty, or thin: each polled device with what it answered for the multicast
// tables discovery asks for — rows, no rows (SNMP does not tell "not supported" from "empty"), or an
// error — and whether any group is known at all (pure).
import type { LayerStatus } from '@netspotter/shared/api';
import type { Topology } from '../snapshots/graph.ts';

/** The tables discovery walks for each kind of multicast state, by the names its run report uses. */
const KINDS = [
  {
    table: 'MLD/IGMP listeners (MGMD-STD-MIB, MLD-MIB, IGMP-STD-MIB)',
    walked: ['mgmdRouterCacheTable', 'mgmdRouterSrcListTable', 'mldCacheTable', 'igmpCacheTable'],
    rows: (t: Topology, device: string) =>
      t.multicast.groups.reduce((n, g) => n + g.listeners.filter((l) => l.device === device).length, 0),
  },
  {
    table: 'multicast routes (IPMCAST-MIB, IPMROUTE-STD-MIB)',
    walked: ['ipMcastRouteTable', 'ipMcastRouteNextHopTable', 'ipMRouteTable', 'ipMRouteNextHopTable'],
    rows: (t: Topology, device: string) => t.multicast.routes.filter((r) => r.device === device).length,
  },
  {
    table: 'PIM neighbours (PIM-STD-MIB, PIM-MIB)',
    walked: ['pimNeighborTable', 'pimNeighborTable(exp)'],
    rows: (t: Topology, device: string) => t.multicast.pimNeighbors.filter((p) => p.device === device).length,
  },
];

export function layerStatus(t: Topology, groupsKnown: number): LayerStatus {
  const devices = t.devices.map((d) => {
    const issues = t.report.filter((r) => r.device === d.id).flatMap((r) => r.issues);
    return {
      device: d.id,
      label: d.sysName ?? d.id,
      tables: KINDS.map((k) => {
        const rows = k.rows(t, d.id);
        const failed = issues.filter((i) => k.walked.includes(i.table));
        if (failed.length > 0 && rows === 0)
          return {
            table: k.table,
            outcome: 'error' as const,
            rows,
            reason: failed.map((i) => `${i.table}: ${i.reason}`).join('; '),
          };
        return { table: k.table, outcome: rows > 0 ? ('rows' as const) : ('none' as const), rows };
      }),
    };
  });
  const empty = emptyReason(t, devices, groupsKnown);
  return { devices, ...(empty && { empty }) };
}

function emptyReason(t: Topology, devices: LayerStatus['devices'], groupsKnown: number): string | undefined {
  const answered = devices.filter((d) => d.tables.some((x) => x.outcome === 'rows')).length;
  const failed = devices.filter((d) => d.tables.some((x) => x.outcome === 'error')).length;
  const asked = `${devices.length} device${devices.length === 1 ? ' was' : 's were'} asked for MLD/IGMP listeners, multicast routes and PIM neighbours`;
  if (devices.length === 0) return 'the snapshot holds no polled device';
  if (answered === 0)
    return `no multicast MIB answered: ${asked}; none returned rows${failed ? ` (${failed} with errors)` : ''}${t.unreachable.length ? `; ${t.unreachable.length} target(s) unreachable` : ''}`;
  if (groupsKnown === 0)
    return `no groups known: ${answered} of ${devices.length} devices returned multicast rows, but no listener, route, monitor or test names a group`;
  return undefined;
}
