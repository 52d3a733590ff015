// Monitor cell state changes as events (pure): lost, degraded and never-seen raise the cell's condition,
// ok clears it, stale (an agent away: nothing is known) does neither.
import type { LoadedMonitor } from '../monitors/catalog.ts';
import type { StateChange } from '../monitors/hub.ts';
import { cellSubject, type NewEvent } from './engine.ts';

export function cellEvent(m: LoadedMonitor | undefined, c: StateChange): NewEvent {
  const name = (id: string) => m?.names.get(id) ?? id;
  const group = m?.definition.groups.find((g) => g.id === c.cell.groupId);
  const source = group?.kind === 'watch' ? c.cell.source : name(c.cell.source);
  return {
    at: c.at,
    kind: 'cell-state',
    subject: cellSubject(c.monitorId, c.cell.no),
    condition: c.to === 'ok' ? 'cleared' : c.to === 'stale' ? 'note' : 'raised',
    monitorId: c.monitorId,
    groupId: c.cell.groupId,
    agentId: c.cell.receiverId,
    state: c.to,
    ...(group && {
      flow: {
        group: group.group,
        ...(group.mode === 'ssm' && group.sourceAddress && { source: group.sourceAddress }),
      },
    }),
    summary: `${m?.name ?? c.monitorId} ${group?.group ?? c.cell.groupId} ${source} → ${name(c.cell.receiverId)}: ${c.from} → ${c.to} (${c.reason})`,
    details: { from: c.from, to: c.to, reason: c.reason, source: c.cell.source, receiver: c.cell.receiverId },
  };
}
