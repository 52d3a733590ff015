// The source × receiver matrix of a monitor, per group: now (live states and newest figures) or as it
// was at a time (states from the stored events, figures from the history row of each receiver then).
import {
  CELL_STATES,
  MATRIX_FIELDS,
  type CellState,
  type Matrix,
  type MatrixField,
  type MatrixGroup,
} from '@netspotter/shared/api';
import type { CellInfo, LoadedMonitor } from './catalog.ts';
import type { MonitorLive } from './live.ts';
import { lossRatio, type CellFigures } from './record.ts';

export interface CellNow {
  cell: CellInfo;
  state: CellState;
  since: number;
  /** Seconds since the interval of the figures ended (null: no figures). */
  age: number | null;
  figures?: CellFigures;
  /** Beacons: the sender sent in the interval of the figures (nothing arrived counts as loss 1). */
  sent?: number;
  intervalSeconds: number;
  joinLatencyMs: number | null;
  leaveLatencyMs: number | null;
  left: boolean;
}

const STATE_INDEX = new Map(CELL_STATES.map((s, i) => [s, i]));
const COLUMN = new Map(MATRIX_FIELDS.map((f, i) => [f, i]));

function row(c: CellNow, source: number, receiver: number): (number | null)[] {
  const out: (number | null)[] = new Array(MATRIX_FIELDS.length).fill(null);
  const put = (f: MatrixField, v: number | null | undefined) => (out[COLUMN.get(f)!] = v ?? null);
  const f = c.figures;
  put('source', source);
  put('receiver', receiver);
  put('state', STATE_INDEX.get(c.state)!);
  put('since', c.since);
  put('age', c.age === null ? null : Math.round(c.age * 10) / 10);
  put('joinLatencyMs', c.joinLatencyMs);
  put('leaveLatencyMs', c.leaveLatencyMs);
  put('left', c.left ? 1 : 0);
  if (!f) return out;
  put('received', f.received);
  put('lost', f.lost);
  put('duplicates', f.duplicates);
  put('reordered', f.reordered);
  put('lossRatio', f.received === 0 && c.sent ? 1 : lossRatio(f));
  put('delayMinMs', f.delayMinMs);
  put('delayP50Ms', f.delayP50Ms);
  put('delayP99Ms', f.delayP99Ms);
  put('jitterMs', f.jitterMs);
  put('hops', f.hops);
  put('pps', Math.round((f.received / c.intervalSeconds) * 100) / 100);
  put('bps', Math.round((f.bytes * 8) / c.intervalSeconds));
  put('silences', f.silences);
  put('maxGapMs', f.maxGapMs);
  put('mismatches', f.mismatches);
  return out;
}

/** Every active cell of a running monitor now. */
export function liveCells(m: LoadedMonitor, live: MonitorLive | undefined, now: number): CellNow[] {
  const intervalSeconds = m.definition.intervalSeconds;
  const joinedOf = new Map(m.participants.map((p) => [p.agentId, p.joined]));
  return m.active.map((cell) => {
    const newest = live?.newest(cell.no);
    const joined = joinedOf.get(cell.receiverId) ?? true;
    return {
      cell,
      state: cell.state,
      since: cell.since,
      age: newest ? (now - newest.start) / 1000 - intervalSeconds : null,
      ...(newest && { figures: newest.figures, sent: live?.sentAt(cell.groupId, cell.source, newest.start) }),
      intervalSeconds,
      joinLatencyMs: live?.joinLatency.get(cell.no) ?? null,
      leaveLatencyMs: live?.leaveLatency.get(`${cell.groupId}|${cell.receiverId}`) ?? null,
      left: !joined || (newest?.figures.left ?? false),
    };
  });
}

/** The matrix document from cells (live or past). */
export function matrixOf(
  m: LoadedMonitor,
  cells: CellNow[],
  at: number,
  live: boolean,
  newestSummaryEnd: number | undefined,
  problems: ReadonlyMap<string, string[]>,
): Matrix {
  const name = (id: string) => m.names.get(id) ?? id;
  const counts = Object.fromEntries(CELL_STATES.map((s) => [s, 0]));
  const groups: MatrixGroup[] = m.definition.groups.map((g) => {
    const mine = cells.filter((c) => c.cell.groupId === g.id);
    const sourceIds = [...new Set(mine.map((c) => c.cell.source))];
    const receiverIds = [...new Set(mine.map((c) => c.cell.receiverId))];
    // Receivers that see nothing of a watch yet still get their column (under an "any source" row).
    if (g.kind === 'watch')
      for (const p of m.participants)
        if (p.role !== 'sender' && !receiverIds.includes(p.agentId)) receiverIds.push(p.agentId);
    const sourceAt = new Map(sourceIds.map((id, i) => [id, i]));
    const receiverAt = new Map(receiverIds.map((id, i) => [id, i]));
    const rows = mine.map((c) => row(c, sourceAt.get(c.cell.source)!, receiverAt.get(c.cell.receiverId)!));
    const covered = new Set(mine.map((c) => c.cell.receiverId));
    const empty = receiverIds.filter((r) => !covered.has(r));
    if (empty.length) {
      const any = sourceIds.length;
      sourceIds.push('*');
      for (const r of empty) {
        const state: CellState = live && (problems.get(r) ?? []).length ? 'stale' : 'never-seen';
        // A receiver with no cell yet still gets a row (source '*'), so the matrix shows why.
        const noCell = new Array(MATRIX_FIELDS.length).fill(null) as (number | null)[];
        noCell[COLUMN.get('source')!] = any;
        noCell[COLUMN.get('receiver')!] = receiverIds.indexOf(r);
        noCell[COLUMN.get('state')!] = STATE_INDEX.get(state)!;
        rows.push(noCell);
      }
    }
    for (const r of rows) counts[CELL_STATES[r[COLUMN.get('state')!]!]!]!++;
    const address = (id: string) => {
      if (g.kind === 'watch') return id === '*' ? null : id;
      return id === g.sourceAgentId ? g.sourceAddress : null;
    };
    return {
      id: g.id,
      kind: g.kind,
      mode: g.mode,
      group: g.group,
      port: g.port,
      source: g.source,
      sources: sourceIds.map((id) => ({
        id,
        name: g.kind === 'beacon' ? name(id) : id === '*' ? 'any source' : id,
        address: address(id),
      })),
      receivers: receiverIds.map((id) => ({ id, name: name(id) })),
      cells: rows,
    };
  });
  return {
    monitor: {
      id: m.id,
      name: m.name,
      state: m.running ? 'running' : 'stopped',
      intervalSeconds: m.definition.intervalSeconds,
    },
    at: new Date(at).toISOString(),
    live,
    newestSummaryAt: newestSummaryEnd === undefined ? null : new Date(newestSummaryEnd).toISOString(),
    newestSummaryAge: newestSummaryEnd === undefined ? null : Math.round((at - newestSummaryEnd) / 100) / 10,
    fields: [...MATRIX_FIELDS],
    states: [...CELL_STATES],
    counts,
    groups,
    problems: Object.fromEntries([...problems].map(([id, p]) => [name(id), p])),
  };
}
