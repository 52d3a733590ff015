// Expected vs actual tree of a flow. Expected: the snapshot's tree (routes, RPF, PIM, snooping listeners)
// and the expected path to every listener port and monitored receiver. Actual: the monitored receivers
// that get beacons. The differences name the device and port where they disagree (pure).
import type { CellState, Flow, MonitoredReceiver, TreeDifference } from '@netspotter/shared/api';
import type { PortOn } from '../discovery/topology/l2-path.ts';
import { expectedPath, flowLabel } from './expected-path.ts';
import { portNamer, routesOf, treeOf, type FlowTopology } from './flow-tree.ts';

/** A receiver of a monitor with this flow: its cells' worst state and where the topology places it. */
export interface ReceiverNow {
  agentId: string;
  name: string;
  state: CellState;
  placed?: PortOn & { evidence: string };
}

/** Cell states in which beacons arrive. */
export const isServed = (s: CellState) => s === 'ok' || s === 'degraded';

export function compareTrees(
  t: FlowTopology,
  flow: Flow,
  receivers: ReceiverNow[],
): { receivers: MonitoredReceiver[]; differences: TreeDifference[] } {
  const name = portNamer(t);
  const label = new Map(t.devices.map((d) => [d.id, d.sysName ?? d.id]));
  const where = (p: PortOn) =>
    `${label.get(p.device) ?? p.device}${p.ifIndex === undefined ? '' : ` ${name(p.device, p.ifIndex).ifName ?? `ifIndex ${p.ifIndex}`}`}`;
  const differences = new Map<string, TreeDifference>();
  const add = (d: TreeDifference) => {
    const key = `${d.kind}|${d.device}|${d.ifIndex}|${d.receiver ?? ''}`;
    if (!differences.has(key)) differences.set(key, d);
  };
  const at = (p: PortOn) => ({
    device: p.device,
    ...(p.ifIndex !== undefined && name(p.device, p.ifIndex)),
  });
  const flowText = flowLabel(flow);

  // A router on the way to a listener or receiver whose route has no oif towards it.
  const checkRouters = (path: ReturnType<typeof expectedPath>, towards: string) => {
    for (const hop of path.hops) {
      const out = hop.out[0];
      if (hop.kind !== 'router' || !out) continue;
      const oifs = routesOf(t, flow, hop.device).flatMap((r) => r.oifs.map((o) => o.ifIndex));
      if (!oifs.includes(out.ifIndex))
        add({
          kind: 'oif-missing',
          ...at({ device: hop.device, ifIndex: out.ifIndex }),
          message: `${where({ device: hop.device })}'s ${path.tree} state for ${flowText} has no outgoing interface ${out.ifName ?? out.ifIndex} towards ${towards}`,
        });
    }
  };

  const listeners = listenerPorts(t, flow);
  for (const l of listeners) {
    const path = expectedPath(t, flow, l);
    if (path.reaches) checkRouters(path, `the listener on ${where(l)}`);
  }

  const snooping = snoopingSwitches(t);
  const out: MonitoredReceiver[] = receivers.map((r) => {
    const served = isServed(r.state);
    const base: MonitoredReceiver = { agentId: r.agentId, name: r.name, state: r.state, served };
    if (!r.placed) return base;
    const { evidence, ...port } = r.placed;
    const path = expectedPath(t, flow, port);
    const hasListener = listeners.some((l) => l.device === port.device && l.ifIndex === port.ifIndex);
    if (path.reaches) {
      checkRouters(path, `${r.name} on ${where(port)}`);
      // Expected: the tree reaches its switch, or its port holds a listener entry the tree should serve.
      const expected = path.hops.at(-1)?.onTree || hasListener;
      if (expected && !served && r.state !== 'stale')
        add({
          kind: 'expected-not-served',
          ...at(port),
          receiver: r.name,
          message: `${r.name} on ${where(port)} is on the expected ${path.tree} tree of ${flowText} but gets no beacons (${r.state})`,
        });
    }
    if (snooping.has(port.device) && port.ifIndex !== undefined && !hasListener)
      add({
        kind: 'snooping-port-without-listener',
        ...at(port),
        receiver: r.name,
        message: `snooping switch ${where(port)} holds no listener entry for ${flowText} on ${r.name}'s port${served ? ' (beacons arrive anyway: flooded or the entry expired)' : ''}`,
      });
    return { ...base, placed: { ...at(port), evidence }, path };
  });

  for (const b of idleBranches(t, flow, [
    ...listeners,
    ...receivers.flatMap((r) => (r.placed ? [r.placed] : [])),
  ]))
    add({
      kind: 'branch-serving-nobody',
      ...at(b),
      message: `${where(b)} forwards ${flowText}, but no listener and no monitored receiver is behind it`,
    });
  return { receivers: out, differences: [...differences.values()] };
}

function listenerPorts(t: FlowTopology, flow: Flow): PortOn[] {
  return (t.multicast.groups.find((g) => g.group === flow.group)?.listeners ?? [])
    .filter((l) => !flow.source || !l.sources || l.sources.includes(flow.source))
    .map((l) => ({ device: l.device, ifIndex: l.ifIndex }));
}

/** Switches that track listeners: snooping enabled in a VLAN, or listener rows of their own. */
function snoopingSwitches(t: FlowTopology): Set<string> {
  const out = new Set((t.multicast.snooping ?? []).filter((s) => s.enabled).map((s) => s.device));
  for (const g of t.multicast.groups)
    for (const l of g.listeners) if (t.roles[l.device] === 'switch') out.add(l.device);
  return out;
}

/** Router oifs on the flow's tree behind which (over the tree's edges) nobody listens or receives. */
function idleBranches(t: FlowTopology, flow: Flow, wanted: PortOn[]): PortOn[] {
  const found = treeOf(t, flow);
  if (!found) return [];
  const { edges } = found.tree;
  const down = new Map<string, typeof edges>();
  for (const e of edges) down.set(e.from.device, [...(down.get(e.from.device) ?? []), e]);
  const wantedAt = (device: string, ifIndex?: number) =>
    wanted.some((w) => w.device === device && (ifIndex === undefined || w.ifIndex === ifIndex));
  // Whether anyone is behind an edge: listeners counted on it, or wanted ports downstream of it.
  const serves = (e: (typeof edges)[number], seen: Set<string>): boolean => {
    if (e.to.listeners || wantedAt(e.from.device, e.from.ifIndex)) return true;
    const next = e.to.device;
    if (!next || seen.has(next)) return false;
    seen.add(next);
    if (wantedAt(next)) return true;
    return (down.get(next) ?? []).some((x) => x.to.device !== e.from.device && serves(x, seen));
  };
  return edges
    .filter(
      (e) =>
        routesOf(t, flow, e.from.device).some((r) => r.oifs.some((o) => o.ifIndex === e.from.ifIndex)) &&
        !serves(e, new Set([e.from.device])),
    )
    .map((e) => ({
      device: e.from.device,
      ...(e.from.ifIndex !== undefined && { ifIndex: e.from.ifIndex }),
    }));
}
