// Agents' summaries into history rows (one per agent per interval, all its cells) and into the live
// view. Replays of a summary already stored store nothing new (the row is keyed by monitor, agent and
// interval) and change nothing live.
import type { MonitorSummary, SourceFigures } from '@netspotter/shared/agent-protocol';
import type { CellInfo, LoadedMonitor, MonitorCatalog } from './catalog.ts';
import { cellKey } from './catalog.ts';
import type { RawRow } from './history.ts';
import type { MonitorLive } from './live.ts';
import type { CellFigures } from './record.ts';

export function cellFigures(s: SourceFigures, joined: boolean): CellFigures {
  return {
    received: s.received,
    lost: s.lost,
    duplicates: s.duplicates,
    reordered: s.reordered,
    silences: s.silences ?? 0,
    hops: s.hops ?? null,
    left: !joined,
    delayMinMs: s.delayMinMs ?? null,
    delayP50Ms: s.delayP50Ms ?? null,
    delayP99Ms: s.delayP99Ms ?? null,
    jitterMs: s.jitterMs ?? null,
    joinLatencyMs: s.joinLatencyMs ?? null,
    mismatches: s.mismatches ?? 0,
    maxGapMs: s.maxGapMs ?? null,
    bytes: s.bytes ?? 0,
  };
}

/** What the history row keeps besides the cells' records. */
export interface RowExtra {
  sent?: MonitorSummary['sent'];
  groups?: { group: string; joined: boolean; leaveLatencyMs?: number; badSignatures?: number }[];
  problems?: string[];
}

/** Beacons a sender sent in an interval, when its summary of that interval has come in. */
export type SentCount = (groupId: string, senderId: string, start: number) => number | undefined;

/**
 * A beacon interval in which a joined receiver heard nothing from a sender it had heard before (its
 * figures carry the sender's epoch) lost all that sender sent then: the record says so (lost = the
 * sender's count, or the assigned rate while the sender's summary is not in yet), so the series shows
 * loss 1 there, not a gap. The agent reports received 0 and lost 0: it learns of lost sequence numbers
 * only when packets come again. A sender never heard since the agent started (no epoch: it may have
 * only just joined) is left as reported, as the cell's state leaves it never-seen.
 */
function nothingArrived(f: CellFigures, s: SourceFigures, expected: number | undefined): CellFigures {
  if (s.received > 0 || s.epoch === undefined || !expected) return f;
  return { ...f, lost: Math.max(f.lost, Math.round(expected)) };
}

/** The history row of one summary: its cells' figures (a watch's new sources get their cells here). */
export async function rowOf(
  catalog: MonitorCatalog,
  m: LoadedMonitor,
  agentId: string,
  s: MonitorSummary,
  sent: SentCount,
): Promise<RawRow> {
  const figures = new Map<number, CellFigures>();
  const beaconsPerInterval = m.definition.beaconPps * m.definition.intervalSeconds;
  for (const g of s.received ?? []) {
    const group = m.definition.groups.find((x) => x.id === g.group);
    if (!group) continue;
    for (const src of g.sources) {
      const cell: CellInfo | undefined =
        group.kind === 'beacon'
          ? m.cells.get(cellKey(g.group, src.source, agentId))
          : await catalog.watchCell(m, g.group, src.source, agentId);
      if (!cell) continue;
      const f = cellFigures(src, g.joined);
      figures.set(
        cell.no,
        group.kind === 'beacon' && g.joined
          ? nothingArrived(f, src, sent(g.group, src.source, s.intervalStart) ?? beaconsPerInterval)
          : f,
      );
    }
  }
  const extra: RowExtra = {
    ...(s.sent?.length && { sent: s.sent }),
    ...(s.received?.length && {
      groups: s.received.map((g) => ({
        group: g.group,
        joined: g.joined,
        ...(g.leaveLatencyMs !== undefined && { leaveLatencyMs: g.leaveLatencyMs }),
        ...(g.badSignatures && { badSignatures: g.badSignatures }),
      })),
    }),
    ...(s.problems?.length && { problems: s.problems }),
  };
  return { monitorId: m.id, agentId, start: s.intervalStart, figures, extra };
}

/**
 * Applies one agent's row to the live view. Returns the cells seen for the first time (their first
 * packet arrived in this interval).
 */
export function applyRow(
  m: LoadedMonitor,
  live: MonitorLive,
  agentId: string,
  start: number,
  intervals: number,
  figures: ReadonlyMap<number, CellFigures>,
  extra: RowExtra,
): CellInfo[] {
  const newest = start >= (live.latestStart(agentId) ?? -Infinity);
  live.summary(agentId, start, m.definition.intervalSeconds * 1000 * intervals);
  for (const s of extra.sent ?? []) live.sentBy(s.group, agentId, start, s.count);
  if (newest) {
    for (const g of extra.groups ?? [])
      if (g.leaveLatencyMs !== undefined) live.leaveLatency.set(`${g.group}|${agentId}`, g.leaveLatencyMs);
    if (extra.problems?.length) live.problems.set(agentId, extra.problems);
    else live.problems.delete(agentId);
  }
  const firstSeen: CellInfo[] = [];
  for (const [no, f] of figures) {
    live.point(no, start, f);
    const cell = m.byNo.get(no);
    if (cell && f.received > 0 && cell.firstSeenAt === null) {
      cell.firstSeenAt = start;
      firstSeen.push(cell);
    }
  }
  return firstSeen;
}
