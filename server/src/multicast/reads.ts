// What the multicast routes read: the flows monitors and tests name, the monitored receivers of a flow
// with their cells' state now, and where the agents sit on a snapshot (database and monitor catalog reads;
// the logic is in the pure modules beside this one).
import { Value } from 'typebox/value';
import type { CellState, Flow } from '@netspotter/shared/api';
import { HostFactsSchema } from '@netspotter/shared/agent-protocol';
import type { Database } from '../db/connect.ts';
import type { MonitorHub } from '../monitors/hub.ts';
import type { Topology } from '../snapshots/graph.ts';
import { factsMentioning } from '../snapshots/store.ts';
import { flowsNamedIn, type NamedFlow } from './groups.ts';
import { agentIdentity, placeAgent, type Placement } from './place-agent.ts';
import type { ReceiverNow } from './tree-diff.ts';

/** Stored tests read for the groups they name (the newest first). */
const TESTS_READ = 5000;
/** Receivers placed per request: each looks its MACs and addresses up in the snapshot's facts. */
export const PLACED_MAX = 256;

export function monitorFlows(hub: MonitorHub): NamedFlow[][] {
  return [...hub.catalog.monitors.values()].map((m) => flowsNamedIn(m.definition.groups));
}

export async function testFlows(db: Database): Promise<NamedFlow[][]> {
  const [tasks, sequences] = await Promise.all([
    db.prisma.task.findMany({ select: { args: true }, orderBy: { updatedAt: 'desc' }, take: TESTS_READ }),
    db.prisma.sequence.findMany({
      select: { definition: true },
      orderBy: { updatedAt: 'desc' },
      take: TESTS_READ,
    }),
  ]);
  return [...tasks.map((t) => flowsNamedIn(t.args)), ...sequences.map((s) => flowsNamedIn(s.definition))];
}

const WORSE = ['ok', 'degraded', 'stale', 'never-seen', 'lost'] satisfies readonly CellState[];
const worst = (a: CellState, b: CellState) => (WORSE.indexOf(a) >= WORSE.indexOf(b) ? a : b);

/**
 * Receivers of the monitors' groups with this flow's group (for an SSM group, its source): the worst
 * state of each receiver's cells now. An ASM group's beacons come from every sender: all count.
 */
export function flowReceivers(
  hub: MonitorHub,
  flow: Flow,
): { receivers: Map<string, { name: string; state: CellState }>; senders: Set<string> } {
  const out = new Map<string, { name: string; state: CellState }>();
  const senders = new Set<string>();
  for (const m of hub.catalog.monitors.values()) {
    if (!m.running) continue;
    for (const g of m.definition.groups) {
      const [named] = flowsNamedIn([g]);
      if (!named || named.group !== flow.group) continue;
      if (flow.source && named.source && named.source !== flow.source) continue;
      for (const c of m.active.filter((x) => x.groupId === g.id)) {
        senders.add(c.source);
        const had = out.get(c.receiverId);
        const state = had ? worst(had.state, c.state) : c.state;
        out.set(c.receiverId, { name: m.names.get(c.receiverId) ?? c.receiverId, state });
      }
    }
  }
  return { receivers: out, senders };
}

/** Where each agent sits on the snapshot, from its reported interfaces and the address it connects from. */
export async function placeAgents(
  db: Database,
  snapshotId: string,
  t: Topology,
  agentIds: string[] | undefined,
): Promise<{ agentId: string; name: string; placed?: Placement }[]> {
  const agents = await db.prisma.agent.findMany({
    where: agentIds ? { id: { in: agentIds } } : {},
    select: { id: true, name: true, facts: true, lastAddress: true },
    orderBy: { name: 'asc' },
    take: PLACED_MAX,
  });
  const out = [];
  for (const a of agents) {
    const interfaces = Value.Check(HostFactsSchema, a.facts) ? a.facts.interfaces : [];
    const who = agentIdentity([...interfaces, ...(a.lastAddress ? [{ addresses: [a.lastAddress] }] : [])]);
    const facts = [];
    for (const key of [...who.macs, ...who.addresses])
      facts.push(...(await factsMentioning(db, snapshotId, key)));
    const placed = placeAgent(t, who, facts);
    out.push({ agentId: a.id, name: a.name, ...(placed && { placed }) });
  }
  return out;
}

/** Where a flow's one sender sits (an ASM group with several senders, or none placed: undefined). */
export async function flowSourceAt(
  db: Database,
  hub: MonitorHub,
  snapshotId: string,
  t: Topology,
  flow: Flow,
): Promise<Placement | undefined> {
  const { senders } = flowReceivers(hub, flow);
  if (senders.size !== 1) return undefined;
  return (await placeAgents(db, snapshotId, t, [...senders]))[0]?.placed;
}

/**
 * The receivers of a flow with their placement, as the tree comparison takes them, and where its one
 * sender sits (a watch's sources are not agents: they are not placed).
 */
export async function receiversNow(
  db: Database,
  hub: MonitorHub,
  snapshotId: string,
  t: Topology,
  flow: Flow,
): Promise<{ receivers: ReceiverNow[]; sourceAt?: Placement }> {
  const { receivers, senders } = flowReceivers(hub, flow);
  if (receivers.size === 0) return { receivers: [] };
  const sender = senders.size === 1 ? [...senders] : [];
  const placed = new Map(
    (await placeAgents(db, snapshotId, t, [...receivers.keys(), ...sender])).map((p) => [
      p.agentId,
      p.placed,
    ]),
  );
  const sourceAt = sender[0] ? placed.get(sender[0]) : undefined;
  return {
    receivers: [...receivers].map(([agentId, s]) => {
      const p = placed.get(agentId);
      return { agentId, name: s.name, state: s.state, ...(p && { placed: p }) };
    }),
    ...(sourceAt && { sourceAt }),
  };
}
