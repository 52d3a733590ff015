// Reads of monitor history: the cells as they were at a time, one cell's series over a range at a step
// (raw within raw retention, else the roll-ups), and cells' state changes.
import {
  SERIES_FIELDS,
  type CellEvent,
  type CellState,
  type Series,
  type SeriesField,
} from '@netspotter/shared/api';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/connect.ts';
import { badRequest, notFound } from '../domain-errors.ts';
import { cellKey, type CellInfo, type LoadedMonitor } from './catalog.ts';
import { bucketOf, BUCKET_MS, TIER, WINDOW_MS, type HistoryStore, type Tier } from './history.ts';
import type { CellNow } from './matrix.ts';
import { lossRatio, rollUp, type CellFigures } from './record.ts';

const MAX_POINTS = 20_000;
const TIER_NAME: Record<Tier, Series['tier']> = { 0: 'raw', 1: '1m', 2: '1h' };

/** How far back each tier reaches under the configured retention. */
function reach(config: Config, now: number): Record<Tier, number> {
  return {
    0: now - config.monitorRawHours * 3_600_000,
    1: now - config.monitorMinuteDays * 86_400_000,
    2: now - config.monitorHourDays * 86_400_000,
  };
}

/** The finest tier whose points are no finer than `stepMs` and that still holds `from`. */
function tierFor(stepMs: number, from: number, config: Config, now: number): Tier {
  const r = reach(config, now);
  let tier: Tier = stepMs < BUCKET_MS[1] ? TIER.raw : stepMs < BUCKET_MS[2] ? TIER.minute : TIER.hour;
  while (tier < TIER.hour && from < r[tier]) tier = (tier + 1) as Tier;
  return tier;
}

/** The stretches of [from, to) made of windows without a block (read from the raw rows instead). */
function unsealedRanges(sealed: ReadonlySet<number>, from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  for (let w = bucketOf(from, WINDOW_MS); w < to; w += WINDOW_MS) {
    if (sealed.has(w)) continue;
    const a = Math.max(from, w);
    const b = Math.min(to, w + WINDOW_MS);
    const last = out.at(-1);
    if (last && last[1] === a) last[1] = b;
    else out.push([a, b]);
  }
  return out;
}

export function findCell(m: LoadedMonitor, q: { group: string; source: string; receiver: string }): CellInfo {
  const receiver =
    [...m.names].find(([id, name]) => id === q.receiver || name === q.receiver)?.[0] ?? q.receiver;
  const source = [...m.names].find(([id, name]) => id === q.source || name === q.source)?.[0] ?? q.source;
  const cell = m.cells.get(cellKey(q.group, source, receiver));
  if (!cell) throw notFound(`cell ${q.group} ${q.source} → ${q.receiver}`);
  return cell;
}

export async function cellEvents(
  db: Database,
  m: LoadedMonitor,
  q: { cell?: CellInfo; group?: string; receiver?: string; from?: number; to?: number; limit: number },
): Promise<CellEvent[]> {
  const cellNos = q.cell
    ? [q.cell.no]
    : q.group || q.receiver
      ? [...m.cells.values()]
          .filter((c) => (!q.group || c.groupId === q.group) && (!q.receiver || c.receiverId === q.receiver))
          .map((c) => c.no)
      : undefined;
  const rows = await db.prisma.monitorEvent.findMany({
    where: {
      monitorId: m.id,
      ...(cellNos && { cellNo: { in: cellNos } }),
      ...((q.from !== undefined || q.to !== undefined) && {
        at: {
          ...(q.from !== undefined && { gte: new Date(q.from) }),
          ...(q.to !== undefined && { lt: new Date(q.to) }),
        },
      }),
    },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
    take: q.limit,
  });
  return rows.flatMap((e) => {
    const c = m.byNo.get(e.cellNo);
    return c
      ? [
          {
            at: e.at.toISOString(),
            group: c.groupId,
            source: c.source,
            receiver: c.receiverId,
            from: e.fromState as CellState | null,
            to: e.toState as CellState,
            reason: e.reason,
          },
        ]
      : [];
  });
}

/** One cell's series in [from, to) at `stepSeconds` (default: the finest the range's tier has). */
export async function cellSeries(
  db: Database,
  history: HistoryStore,
  config: Config,
  m: LoadedMonitor,
  cell: CellInfo,
  from: number,
  to: number,
  stepSeconds?: number,
  now = Date.now(),
): Promise<Series> {
  if (!(to > from)) throw badRequest('to', 'must be after from');
  const intervalMs = m.definition.intervalSeconds * 1000;
  const r = reach(config, now);
  const defaultStep = from >= r[0] ? intervalMs : from >= r[1] ? BUCKET_MS[1] : BUCKET_MS[2];
  const stepMs = Math.max(intervalMs, (stepSeconds ?? defaultStep / 1000) * 1000);
  if ((to - from) / stepMs > MAX_POINTS)
    throw badRequest(
      'step',
      `${Math.ceil((to - from) / stepMs)} points is more than ${MAX_POINTS}: choose a larger step`,
    );
  const tier = tierFor(stepMs, from, config, now);
  let records: { start: number; figures: CellFigures }[];
  if (tier === TIER.raw) {
    // Sealed windows from their blocks (one slice each), the newest ones straight from the raw rows.
    const sealed = await history.blockWindows(m.id, cell.receiverId, from, to);
    records = sealed.size ? await history.blockRecords(m.id, cell.receiverId, cell.no, from, to) : [];
    for (const [a, b] of unsealedRanges(sealed, from, to))
      records.push(...(await history.cellRecords(m.id, cell.receiverId, cell.no, TIER.raw, a, b)));
    records.sort((x, y) => x.start - y.start);
  } else {
    records = await history.cellRecords(
      m.id,
      cell.receiverId,
      cell.no,
      tier,
      bucketOf(from, BUCKET_MS[tier]),
      to,
    );
  }
  const first = bucketOf(from, stepMs);
  const n = Math.ceil((to - first) / stepMs);
  const buckets: CellFigures[][] = Array.from({ length: n }, () => []);
  for (const x of records) {
    const i = Math.floor((x.start - first) / stepMs);
    if (i >= 0 && i < n) buckets[i]!.push(x.figures);
  }
  const series = Object.fromEntries(
    SERIES_FIELDS.map((f) => [f, new Array<number | null>(n).fill(null)]),
  ) as Record<SeriesField, (number | null)[]>;
  const stepS = stepMs / 1000;
  buckets.forEach((list, i) => {
    if (!list.length) return;
    const f = list.length === 1 ? list[0]! : rollUp(list);
    const put = (k: SeriesField, v: number | null) =>
      (series[k][i] = v === null ? null : Math.round(v * 1000) / 1000);
    put('received', f.received);
    put('lost', f.lost);
    put('duplicates', f.duplicates);
    put('reordered', f.reordered);
    put('lossRatio', lossRatio(f));
    put('delayMinMs', f.delayMinMs);
    put('delayP50Ms', f.delayP50Ms);
    put('delayP99Ms', f.delayP99Ms);
    put('jitterMs', f.jitterMs);
    put('hops', f.hops);
    put('joinLatencyMs', f.joinLatencyMs);
    put('pps', f.received / stepS);
    put('bps', (f.bytes * 8) / stepS);
    put('silences', f.silences);
    put('maxGapMs', f.maxGapMs);
    put('mismatches', f.mismatches);
  });
  return {
    tier: TIER_NAME[tier],
    stepSeconds: stepS,
    t: Array.from({ length: n }, (_, i) => (first + i * stepMs) / 1000),
    series,
    events: await cellEvents(db, m, { cell, from, to, limit: 10_000 }),
  };
}

/** The cells as they were at `at`: the state each had then, the figures of its receiver's row then. */
export async function pastCells(
  db: Database,
  history: HistoryStore,
  config: Config,
  m: LoadedMonitor,
  at: number,
  now = Date.now(),
): Promise<{ cells: CellNow[]; newestEnd?: number }> {
  const r = reach(config, now);
  const tier: Tier = at >= r[0] ? TIER.raw : at >= r[1] ? TIER.minute : TIER.hour;
  const intervalMs = m.definition.intervalSeconds * 1000;
  const bucketMs = tier === TIER.raw ? intervalMs : BUCKET_MS[tier];
  const [states, rows] = await Promise.all([
    db.prisma.$queryRawUnsafe<{ cell_no: number; to_state: string | null; at: Date | null }[]>(
      `SELECT c.cell_no, e.to_state, e.at FROM monitor_cells c
       LEFT JOIN LATERAL (SELECT to_state, at FROM monitor_events e
                          WHERE e.monitor_id = c.monitor_id AND e.cell_no = c.cell_no AND e.at <= $2
                          ORDER BY e.at DESC, e.id DESC LIMIT 1) e ON true
       WHERE c.monitor_id = $1`,
      m.id,
      new Date(at),
    ),
    history.rowsAt(m.id, tier, at, 3 * bucketMs),
  ]);
  const stateOf = new Map(states.map((s) => [s.cell_no, s]));
  const rowOf = new Map(rows.map((x) => [x.agentId, x]));
  let newestEnd: number | undefined;
  const cells = m.active.map((cell): CellNow => {
    const s = stateOf.get(cell.no);
    const x = rowOf.get(cell.receiverId);
    const end = x ? x.start + (tier === TIER.raw ? intervalMs : BUCKET_MS[tier]) : undefined;
    if (end !== undefined) newestEnd = Math.max(newestEnd ?? 0, end);
    const figures = x?.figures.get(cell.no);
    return {
      cell,
      state: (s?.to_state as CellState | null) ?? 'never-seen',
      since: s?.at?.getTime() ?? 0,
      age: end === undefined ? null : (at - end) / 1000,
      ...(figures && { figures }),
      intervalSeconds: (x?.intervals ?? 1) * m.definition.intervalSeconds,
      joinLatencyMs: figures?.joinLatencyMs ?? null,
      leaveLatencyMs: null,
      left: figures?.left ?? false,
    };
  });
  return { cells, ...(newestEnd !== undefined && { newestEnd }) };
}
