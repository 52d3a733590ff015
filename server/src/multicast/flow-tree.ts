// Which stored tree and route rows belong to a flow, and port names, read from a snapshot's topology (pure).
import type { Flow, PortRef } from '@netspotter/shared/api';
import type { DistributionTree, MulticastRoute } from '../discovery/result.ts';
import type { Topology } from '../snapshots/graph.ts';

/** What the multicast functions read of a stored topology. */
export type FlowTopology = Pick<Topology, 'multicast' | 'links' | 'devices' | 'roles'>;

/** The flow's (S,G) tree, else (for ASM, or a source no router routes) the group's (*,G) tree. */
export function treeOf(
  t: FlowTopology,
  flow: Flow,
): { tree: DistributionTree; entry: '(S,G)' | '(*,G)' } | undefined {
  const trees = t.multicast.trees.filter((x) => x.group === flow.group);
  const sg = flow.source ? trees.find((x) => x.source === flow.source) : undefined;
  if (sg) return { tree: sg, entry: '(S,G)' };
  const starG = trees.find((x) => x.source === undefined);
  return starG ? { tree: starG, entry: '(*,G)' } : undefined;
}

/** A device's route rows for the flow: its (S,G) row when it has one, else its (*,G) row. */
export function routesOf(t: FlowTopology, flow: Flow, device: string): MulticastRoute[] {
  const mine = t.multicast.routes.filter((r) => r.device === device && r.group === flow.group);
  const sg = flow.source ? mine.filter((r) => r.source === flow.source) : [];
  return sg.length > 0 ? sg : mine.filter((r) => r.source === undefined);
}

/** Port names by device and ifIndex. */
export function portNamer(t: Pick<Topology, 'devices'>): (device: string, ifIndex: number) => PortRef {
  const names = new Map<string, string>();
  for (const d of t.devices)
    for (const i of d.interfaces) if (i.ifName) names.set(`${d.id}#${i.ifIndex}`, i.ifName);
  return (device, ifIndex) => {
    const ifName = names.get(`${device}#${ifIndex}`);
    return ifName ? { ifIndex, ifName } : { ifIndex };
  };
}

/** A device that bridges, by the role discovery gave it. */
export const bridges = (t: FlowTopology) => (device: string) => t.roles[device] === 'switch';

/** A port as a map labels it: its name, else "ifIndex N"; no ifIndex, no label. */
export function portLabeller(
  t: Pick<Topology, 'devices'>,
): (device: string, ifIndex?: number) => string | undefined {
  const name = portNamer(t);
  return (device, ifIndex) =>
    ifIndex === undefined ? undefined : (name(device, ifIndex).ifName ?? `ifIndex ${ifIndex}`);
}
