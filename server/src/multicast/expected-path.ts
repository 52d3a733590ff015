// The ordered path a flow is expected to take from its source to one receiver, read from a snapshot's
// distribution tree (routes, RPF, PIM, snooping listeners); where the tree stops short of the receiver's
// switch, the fewest-hop L2 path through bridges carries it on. Per-hop localisation polls along it (pure).
import type { ExpectedHop, ExpectedPath, Flow } from '@netspotter/shared/api';
import type { TreeEdge } from '../discovery/result.ts';
import { l2Path, type PortOn } from '../discovery/topology/l2-path.ts';
import { bridges, portNamer, routesOf, treeOf, type FlowTopology } from './flow-tree.ts';

interface Step {
  from: PortOn;
  to: PortOn;
  onTree: boolean;
}

export const flowLabel = (f: Flow) => `(${f.source ?? '*'}, ${f.group})`;

/**
 * The hops from the first device after the source to `receiver` (a device, and the port the receiver is
 * on when known). The source's own device, when polled, is not a hop.
 */
export function expectedPath(t: FlowTopology, flow: Flow, receiver: PortOn): ExpectedPath {
  const found = treeOf(t, flow);
  if (!found)
    return {
      flow,
      tree: null,
      hops: [],
      reaches: false,
      reason: `the snapshot has no distribution tree for ${flowLabel(flow)}`,
    };
  const { tree, entry } = found;
  // Routers holding the tree's state are on it even when none of their oifs leads anywhere.
  const routers = t.multicast.routes
    .filter((r) => r.group === tree.group && r.source === tree.source)
    .map((r) => r.device);
  const steps = stepsTo(t, tree.edges, routers, receiver.device, tree.vlan);
  if (!steps)
    return {
      flow,
      tree: entry,
      hops: [],
      reaches: false,
      reason: `${receiver.device} is neither on the ${entry} tree nor reached from it over L2 links`,
    };
  const name = portNamer(t);
  const devices =
    steps.length > 0 ? [steps[0]!.from.device, ...steps.map((s) => s.to.device)] : [receiver.device];
  const hops: ExpectedHop[] = [];
  devices.forEach((device, i) => {
    const before = steps[i - 1];
    const after = steps[i];
    const route = routesOf(t, flow, device)[0];
    if (i === 0 && !route && flow.source && holds(t, device, flow.source)) return;
    const inIf = route?.inIfIndex ?? before?.to.ifIndex;
    const outIf = after ? after.from.ifIndex : receiver.ifIndex;
    hops.push({
      device,
      kind: route ? 'router' : 'switch',
      ...(inIf !== undefined && { in: name(device, inIf) }),
      out: outIf === undefined ? [] : [name(device, outIf)],
      onTree: before ? before.onTree : true,
    });
  });
  return { flow, tree: entry, hops, reaches: true };
}

const holds = (t: FlowTopology, device: string, address: string) =>
  t.devices.some((d) => d.id === device && d.addresses.includes(address));

/** The tree's edges (then L2 hops off the tree) from its root to `target`, in order; undefined: no way there. */
function stepsTo(
  t: FlowTopology,
  edges: TreeEdge[],
  routers: string[],
  target: string,
  vlan: number | undefined,
): Step[] | undefined {
  const entering = new Map<string, [PortOn, PortOn][]>();
  const onTree = new Set<string>(routers);
  for (const e of edges) {
    onTree.add(e.from.device);
    if (!e.to.device || e.to.device === e.from.device) continue;
    onTree.add(e.to.device);
    const to: PortOn = { device: e.to.device, ...(e.to.ifIndex !== undefined && { ifIndex: e.to.ifIndex }) };
    entering.set(e.to.device, [...(entering.get(e.to.device) ?? []), [e.from, to] as [PortOn, PortOn]]);
  }
  let extension: Step[] = [];
  let end = target;
  if (!onTree.has(target)) {
    const path = onTree.size > 0 ? l2Path(t.links, onTree, target, vlan, bridges(t)) : undefined;
    if (!path) return undefined;
    extension = path.map((h) => ({ ...h, onTree: false }));
    end = path[0]!.from.device;
  }
  const back: Step[] = [];
  const seen = new Set([end]);
  for (let at = end; ;) {
    const edge = entering.get(at)?.find(([from]) => !seen.has(from.device));
    if (!edge) break;
    back.unshift({ from: edge[0], to: edge[1], onTree: true });
    at = edge[0].device;
    seen.add(at);
  }
  return [...back, ...extension];
}
