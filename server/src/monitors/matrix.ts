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
import { forEachInSteps, mapInSteps } from '../steps.ts';

/** Cells handled per event-loop turn: a 20,000-cell matrix is built in steps of a few ms each. */
const CELL_STEP = 1000;

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
/** The column of each field. */
const C = Object.fromEntries(MATRIX_FIELDS.map((f, i) => [f, i])) as Record<MatrixField, number>;

/** Rounded to `digits` decimals (null stays null): float32 figures would print 17 digits each. */
const round = (v: number | null | undefined, digits: number) => {
  if (v === null || v === undefined) return null;
  const scale = 10 ** digits;
  return Math.round(v * scale) / scale;
};
/** Times in ms to 1 µs (ratios go to 1e-6). */
const ms = (v: number | null | undefined) =>
  v === null || v === undefined ? null : Math.round(v * 1000) / 1000;

/**
 * A group's cells written straight into MATRIX_FIELDS columns (no row per cell: 20,000 cells in a few ms);
 * a column is made when a cell first has a value in it, so a field no cell has stays one null.
 */
class Columns {
  readonly columns: ((number | null)[] | null)[] = MATRIX_FIELDS.map(() => null);
  constructor(readonly size: number) {}

  put(column: number, i: number, v: number | null | undefined): void {
    if (v === null || v === undefined) return;
    (this.columns[column] ??= new Array<number | null>(this.size).fill(null))[i] = v;
  }

  cell(i: number, c: CellNow, source: number, receiver: number): void {
    const f = c.figures;
    this.put(C.source, i, source);
    this.put(C.receiver, i, receiver);
    this.put(C.state, i, STATE_INDEX.get(c.state));
    this.put(C.since, i, c.since);
    this.put(C.age, i, round(c.age, 1));
    this.put(C.joinLatencyMs, i, ms(c.joinLatencyMs));
    this.put(C.leaveLatencyMs, i, ms(c.leaveLatencyMs));
    this.put(C.left, i, c.left ? 1 : 0);
    if (!f) return;
    this.put(C.received, i, f.received);
    this.put(C.lost, i, f.lost);
    this.put(C.duplicates, i, f.duplicates);
    this.put(C.reordered, i, f.reordered);
    this.put(C.lossRatio, i, f.received === 0 && c.sent ? 1 : round(lossRatio(f), 6));
    this.put(C.delayMinMs, i, ms(f.delayMinMs));
    this.put(C.delayP50Ms, i, ms(f.delayP50Ms));
    this.put(C.delayP99Ms, i, ms(f.delayP99Ms));
    this.put(C.jitterMs, i, ms(f.jitterMs));
    this.put(C.hops, i, f.hops);
    this.put(C.pps, i, round(f.received / c.intervalSeconds, 2));
    this.put(C.bps, i, Math.round((f.bytes * 8) / c.intervalSeconds));
    this.put(C.silences, i, f.silences);
    this.put(C.maxGapMs, i, ms(f.maxGapMs));
    this.put(C.mismatches, i, f.mismatches);
  }
}

/** The live view of a running monitor's cells now, one cell at a time. */
function cellNowOf(
  m: LoadedMonitor,
  live: MonitorLive | undefined,
  now: number,
): (cell: CellInfo) => CellNow {
  const intervalSeconds = m.definition.intervalSeconds;
  const joinedOf = new Map(m.participants.map((p) => [p.agentId, p.joined]));
  return (cell) => {
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
  };
}

/** Every active cell of a running monitor now. */
export function liveCells(m: LoadedMonitor, live: MonitorLive | undefined, now: number): CellNow[] {
  return m.active.map(cellNowOf(m, live, now));
}

/** Every active cell of a running monitor now, made in steps (cells changing meanwhile are seen as they are then). */
export function liveCellsInSteps(
  m: LoadedMonitor,
  live: MonitorLive | undefined,
  now: number,
): Promise<CellNow[]> {
  return mapInSteps(m.active, cellNowOf(m, live, now), CELL_STEP);
}

/** The matrix document from cells (live or past), written into its columns in steps. */
export async function matrixOf(
  m: LoadedMonitor,
  cells: CellNow[],
  at: number,
  live: boolean,
  newestSummaryEnd: number | undefined,
  problems: ReadonlyMap<string, string[]>,
): Promise<Matrix> {
  const name = (id: string) => m.names.get(id) ?? id;
  const counts = Object.fromEntries(CELL_STATES.map((s) => [s, 0]));
  const groups: MatrixGroup[] = [];
  for (const g of m.definition.groups) {
    const mine = cells.filter((c) => c.cell.groupId === g.id);
    const sourceIds = [...new Set(mine.map((c) => c.cell.source))];
    const receiverIds = [...new Set(mine.map((c) => c.cell.receiverId))];
    // Receivers that see nothing of a watch yet still get their column (under an "any source" row).
    if (g.kind === 'watch')
      for (const p of m.participants)
        if (p.role !== 'sender' && !receiverIds.includes(p.agentId)) receiverIds.push(p.agentId);
    const sourceAt = new Map(sourceIds.map((id, i) => [id, i]));
    const receiverAt = new Map(receiverIds.map((id, i) => [id, i]));
    const covered = new Set(mine.map((c) => c.cell.receiverId));
    const empty = receiverIds.filter((r) => !covered.has(r));
    const columns = new Columns(mine.length + empty.length);
    await forEachInSteps(
      mine,
      (c, i) => {
        columns.cell(i, c, sourceAt.get(c.cell.source)!, receiverAt.get(c.cell.receiverId)!);
        counts[c.state]!++;
      },
      CELL_STEP,
    );
    if (empty.length) {
      const any = sourceIds.length;
      sourceIds.push('*');
      empty.forEach((r, k) => {
        // A receiver with no cell yet still gets a cell (source '*'), so the matrix shows why.
        const state: CellState = live && (problems.get(r) ?? []).length ? 'stale' : 'never-seen';
        const i = mine.length + k;
        columns.put(C.source, i, any);
        columns.put(C.receiver, i, receiverAt.get(r));
        columns.put(C.state, i, STATE_INDEX.get(state));
        counts[state]!++;
      });
    }
    const address = (id: string) => {
      if (g.kind === 'watch') return id === '*' ? null : id;
      return id === g.sourceAgentId ? g.sourceAddress : null;
    };
    groups.push({
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
      size: columns.size,
      columns: columns.columns,
    });
  }
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
