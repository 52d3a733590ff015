// One group's distribution trees as the GUI lists and draws them: the edges with port names, each
// router's route row (RPF interface, oifs, counters, when seen), the snooping switches on the tree and
// the listener ports (pure).
import type { Flow, GroupTree, RouterState } from '@netspotter/shared/api';
import type { DistributionTree, MulticastRoute } from '../discovery/result.ts';
import { portNamer, type FlowTopology } from './flow-tree.ts';

/** The group's trees: only the (S,G) one and the (*,G) one when `flow` names a source. */
export function groupTrees(t: FlowTopology, flow: Flow, seenAt: string): GroupTree[] {
  const label = new Map(t.devices.map((d) => [d.id, d.sysName ?? d.id]));
  const name = portNamer(t);
  const end = (e: { device?: string; ifIndex?: number; listeners?: number }) => ({
    ...e,
    ...(e.device && e.ifIndex !== undefined && name(e.device, e.ifIndex)),
  });
  return t.multicast.trees
    .filter((x) => x.group === flow.group && (!flow.source || !x.source || x.source === flow.source))
    .map((tree) => {
      const devices = new Set(tree.edges.flatMap((e) => [e.from.device, e.to.device ?? '']));
      const routes = t.multicast.routes.filter((r) => r.group === tree.group && r.source === tree.source);
      return {
        group: tree.group,
        ...(tree.source && { source: tree.source }),
        ...(tree.vlan !== undefined && { vlan: tree.vlan }),
        edges: tree.edges.map((e) => ({ from: end(e.from), to: end(e.to) })),
        routers: routes.map((r) => routerState(r, label.get(r.device) ?? r.device, seenAt)),
        switches: (t.multicast.snooping ?? [])
          .filter((s) => devices.has(s.device) && (tree.vlan === undefined || s.vlan === tree.vlan))
          .map((s) => ({
            device: s.device,
            label: label.get(s.device) ?? s.device,
            vlan: s.vlan,
            routerPorts: s.routerPorts,
          })),
        listenerPorts: listenerPorts(t, tree),
      };
    });
}

function routerState(r: MulticastRoute, label: string, seenAt: string): RouterState {
  return {
    device: r.device,
    label,
    entry: r.source ? '(S,G)' : '(*,G)',
    ...(r.source && { source: r.source }),
    ...(r.inIfIndex !== undefined && {
      rpf: {
        ifIndex: r.inIfIndex,
        ...(r.inIfName && { ifName: r.inIfName }),
        ...(r.upstream && { upstream: r.upstream }),
        ...(r.upstreamDevice && { upstreamDevice: r.upstreamDevice }),
      },
    }),
    oifs: r.oifs,
    ...(r.pkts && { pkts: r.pkts }),
    ...(r.octets && { octets: r.octets }),
    seenAt,
  };
}

/** Listener rows of the tree's group, for its source when they name sources (MLDv2). */
function listenerPorts(t: FlowTopology, tree: DistributionTree): GroupTree['listenerPorts'] {
  return (t.multicast.groups.find((g) => g.group === tree.group)?.listeners ?? [])
    .filter((l) => !tree.source || !l.sources || l.sources.includes(tree.source))
    .map((l) => ({
      device: l.device,
      ifIndex: l.ifIndex,
      ...(l.ifName && { ifName: l.ifName }),
      ...(l.vlan !== undefined && { vlan: l.vlan }),
      ...(l.sources && { sources: l.sources }),
    }));
}
