// Monitor cell state changes as events (pure): lost, degraded and never-seen raise the cell's condition,
// ok clears it, stale (an agent away: nothing is known) does neither. A join latency above the monitor's
// threshold is a one-off change on the cell.
import type { LoadedMonitor } from '../monitors/catalog.ts';
import type { SlowJoin, StateChange } from '../monitors/hub.ts';
import { cellSubject, type NewEvent } from './engine.ts';

/** What the events of a cell share: its names, group and flow. */
function cellContext(m: LoadedMonitor | undefined, monitorId: string, cell: StateChange['cell']) {
  const name = (id: string) => m?.names.get(id) ?? id;
  const group = m?.definition.groups.find((g) => g.id === cell.groupId);
  const source = group?.kind === 'watch' ? cell.source : name(cell.source);
  const flow = group && {
    group: group.group,
    ...(group.mode === 'ssm' && group.sourceAddress && { source: group.sourceAddress }),
  };
  const label = `${m?.name ?? monitorId} ${group?.group ?? cell.groupId} ${source} → ${name(cell.receiverId)}`;
  return { flow, label };
}

export function cellEvent(m: LoadedMonitor | undefined, c: StateChange): NewEvent {
  const { flow, label } = cellContext(m, c.monitorId, c.cell);
  return {
    at: c.at,
    kind: 'cell-state',
    subject: cellSubject(c.monitorId, c.cell.no),
    condition: c.to === 'ok' ? 'cleared' : c.to === 'stale' ? 'note' : 'raised',
    monitorId: c.monitorId,
    groupId: c.cell.groupId,
    agentId: c.cell.receiverId,
    state: c.to,
    ...(flow && { flow }),
    summary: `${label}: ${c.from} → ${c.to} (${c.reason})`,
    details: { from: c.from, to: c.to, reason: c.reason, source: c.cell.source, receiver: c.cell.receiverId },
  };
}

export function joinLatencyEvent(m: LoadedMonitor | undefined, j: SlowJoin): NewEvent {
  const { flow, label } = cellContext(m, j.monitorId, j.cell);
  return {
    at: j.at,
    kind: 'join-latency',
    subject: cellSubject(j.monitorId, j.cell.no),
    condition: 'change',
    monitorId: j.monitorId,
    groupId: j.cell.groupId,
    agentId: j.cell.receiverId,
    ...(flow && { flow }),
    summary: `${label}: joined after ${Math.round(j.latencyMs)} ms (threshold ${j.thresholdMs} ms)`,
    details: {
      latencyMs: j.latencyMs,
      thresholdMs: j.thresholdMs,
      source: j.cell.source,
      receiver: j.cell.receiverId,
    },
  };
}
