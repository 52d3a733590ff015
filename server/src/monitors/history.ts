// Monitor history in the database. Raw rows: one per receiving agent per interval (tier 0), its cells'
// fixed-width records in the order of a layout (monitor_layouts). Roll-ups: the same shape per minute
// (tier 1) and per hour (tier 2). Blocks: a receiver's raw rows of a 10-minute window regrouped cell by
// cell, so one cell's series is a slice of each block (144 short reads for a day) instead of a pass
// over every row of the receiver.
import type { Database } from '../db/connect.ts';
import { toJson } from '../db/json-column.ts';
import {
  decodeRow,
  encodeRow,
  RECORD_BYTES,
  readRecord,
  rollUp,
  writeRecord,
  type CellFigures,
} from './record.ts';

export const TIER = { raw: 0, minute: 1, hour: 2 } as const;
export type Tier = (typeof TIER)[keyof typeof TIER];
export const BUCKET_MS: Record<Tier, number> = { 0: 0, 1: 60_000, 2: 3_600_000 };
export const WINDOW_MS = 600_000;

export const rawKey = (monitorId: string, agentId: string, start: number) =>
  `${monitorId}|${agentId}|${start}`;

export interface RawRow {
  monitorId: string;
  agentId: string;
  start: number;
  figures: Map<number, CellFigures>;
  extra: object;
}

export interface StoredRow {
  agentId: string;
  start: number;
  intervals: number;
  figures: Map<number, CellFigures>;
  extra: unknown;
}

interface DbRow {
  agent_id: string;
  bucket_start: Date;
  intervals: number;
  layout_id: number;
  data: Uint8Array;
  extra: unknown;
}

/** Bucket of `t` for a size (aligned to the epoch). */
export const bucketOf = (t: number, size: number) => Math.floor(t / size) * size;

export class HistoryStore {
  readonly #layoutIds = new Map<string, number>();
  readonly #layouts = new Map<number, number[]>();

  constructor(private readonly db: Database) {}

  /** The id of the layout holding exactly these cells in this order, made when new. */
  async layout(monitorId: string, agentId: string, cells: number[]): Promise<number> {
    const key = `${monitorId}|${agentId}|${cells.join(',')}`;
    const known = this.#layoutIds.get(key);
    if (known !== undefined) return known;
    const { prisma } = this.db;
    const found = await prisma.monitorLayout.findFirst({
      where: { monitorId, agentId, cells: { equals: cells } },
    });
    const id = found?.id ?? (await prisma.monitorLayout.create({ data: { monitorId, agentId, cells } })).id;
    this.#layoutIds.set(key, id);
    this.#layouts.set(id, cells);
    return id;
  }

  async cellsOf(layoutId: number): Promise<number[]> {
    let cells = this.#layouts.get(layoutId);
    if (!cells) {
      cells = (await this.db.prisma.monitorLayout.findUniqueOrThrow({ where: { id: layoutId } })).cells;
      this.#layouts.set(layoutId, cells);
    }
    return cells;
  }

  /**
   * Stores rows not stored yet (by monitor, agent and interval); returns the keys (`monitor|agent|start`)
   * it stored. Sent through `pg` itself, as the other bulk writes here: Prisma's raw queries walk their
   * arguments on the event loop (about 2 ms for one summary's 9.5 KB of records, against 0.3 ms).
   */
  async insertRaw(rows: RawRow[]): Promise<Set<string>> {
    if (!rows.length) return new Set();
    const params: unknown[] = [];
    const values: string[] = [];
    for (const r of rows) {
      const cells = [...r.figures.keys()].sort((a, b) => a - b);
      const layoutId = await this.layout(r.monitorId, r.agentId, cells);
      params.push(
        r.monitorId,
        r.agentId,
        new Date(r.start).toISOString(), // UTC, as the column is
        layoutId,
        encodeRow(cells, r.figures),
        JSON.stringify(r.extra),
      );
      const n = params.length;
      values.push(
        `($${n - 5}, $${n - 4}, 0, $${n - 3}::timestamp(3), 1, $${n - 2}::int, $${n - 1}::bytea, $${n}::jsonb)`,
      );
    }
    const stored = await this.db.pool.query<{ monitor_id: string; agent_id: string; start_ms: number }>(
      `INSERT INTO monitor_samples (monitor_id, agent_id, tier, bucket_start, intervals, layout_id, data, extra)
       VALUES ${values.join(', ')} ON CONFLICT DO NOTHING
       RETURNING monitor_id, agent_id, (extract(epoch FROM bucket_start) * 1000)::float8 AS start_ms`,
      params,
    );
    return new Set(stored.map((r) => rawKey(r.monitor_id, r.agent_id, r.start_ms)));
  }

  async #decode(rows: DbRow[]): Promise<StoredRow[]> {
    const out: StoredRow[] = [];
    for (const r of rows)
      out.push({
        agentId: r.agent_id,
        start: r.bucket_start.getTime(),
        intervals: r.intervals,
        figures: decodeRow(await this.cellsOf(r.layout_id), r.data),
        extra: r.extra,
      });
    return out;
  }

  /** Rows of a tier in [from, to), of one agent or all. */
  async rows(
    monitorId: string,
    tier: Tier,
    from: number,
    to: number,
    agentId?: string,
  ): Promise<StoredRow[]> {
    const rows = await this.db.prisma.$queryRawUnsafe<DbRow[]>(
      `SELECT agent_id, bucket_start, intervals, layout_id, data, extra FROM monitor_samples
       WHERE monitor_id = $1 AND tier = $2 AND bucket_start >= $3 AND bucket_start < $4
       ${agentId ? 'AND agent_id = $5' : ''} ORDER BY bucket_start`,
      ...[monitorId, tier, new Date(from), new Date(to), ...(agentId ? [agentId] : [])],
    );
    return this.#decode(rows);
  }

  /** Each agent's newest row of a tier at or before `at` (within `lookbackMs`). */
  async rowsAt(monitorId: string, tier: Tier, at: number, lookbackMs: number): Promise<StoredRow[]> {
    const rows = await this.db.prisma.$queryRawUnsafe<DbRow[]>(
      `SELECT DISTINCT ON (agent_id) agent_id, bucket_start, intervals, layout_id, data, extra FROM monitor_samples
       WHERE monitor_id = $1 AND tier = $2 AND bucket_start <= $3 AND bucket_start > $4
       ORDER BY agent_id, bucket_start DESC`,
      monitorId,
      tier,
      new Date(at),
      new Date(at - lookbackMs),
    );
    return this.#decode(rows);
  }

  /**
   * One cell's records of a tier in [from, to): sliced in the database from each row (a fixed-width
   * record at the cell's place in the row's layout).
   */
  async cellRecords(
    monitorId: string,
    agentId: string,
    cellNo: number,
    tier: Tier,
    from: number,
    to: number,
  ): Promise<{ start: number; intervals: number; figures: CellFigures }[]> {
    const rows = await this.db.prisma.$queryRawUnsafe<
      { bucket_start: Date; intervals: number; rec: Uint8Array | null }[]
    >(
      `SELECT s.bucket_start, s.intervals,
              substring(s.data FROM (array_position(l.cells, $3) - 1) * ${RECORD_BYTES} + 1 FOR ${RECORD_BYTES}) AS rec
       FROM monitor_samples s JOIN monitor_layouts l ON l.id = s.layout_id
       WHERE s.monitor_id = $1 AND s.agent_id = $2 AND s.tier = $4 AND s.bucket_start >= $5 AND s.bucket_start < $6
         AND $3 = ANY (l.cells)
       ORDER BY s.bucket_start`,
      monitorId,
      agentId,
      cellNo,
      tier,
      new Date(from),
      new Date(to),
    );
    return rows.flatMap((r) => {
      const figures = r.rec && r.rec.length === RECORD_BYTES ? readRecord(r.rec, 0) : undefined;
      return figures ? [{ start: r.bucket_start.getTime(), intervals: r.intervals, figures }] : [];
    });
  }

  /** One cell's raw records from the blocks of windows in [from, to): one slice per block. */
  async blockRecords(
    monitorId: string,
    agentId: string,
    cellNo: number,
    from: number,
    to: number,
  ): Promise<{ start: number; figures: CellFigures }[]> {
    const rows = await this.db.prisma.$queryRawUnsafe<
      { window_start: Date; offsets: number[]; recs: Uint8Array | null }[]
    >(
      `SELECT b.window_start, b.offsets,
              substring(b.data FROM (array_position(l.cells, $3) - 1) * cardinality(b.offsets) * ${RECORD_BYTES} + 1
                              FOR cardinality(b.offsets) * ${RECORD_BYTES}) AS recs
       FROM monitor_blocks b JOIN monitor_layouts l ON l.id = b.layout_id
       WHERE b.monitor_id = $1 AND b.agent_id = $2 AND b.window_start >= $4 AND b.window_start < $5
         AND $3 = ANY (l.cells)
       ORDER BY b.window_start`,
      monitorId,
      agentId,
      cellNo,
      new Date(bucketOf(from, WINDOW_MS)),
      new Date(to),
    );
    const out: { start: number; figures: CellFigures }[] = [];
    for (const r of rows) {
      if (!r.recs) continue;
      r.offsets.forEach((s, i) => {
        const start = r.window_start.getTime() + s * 1000;
        const figures =
          (i + 1) * RECORD_BYTES <= r.recs!.length ? readRecord(r.recs!, i * RECORD_BYTES) : undefined;
        if (figures && start >= from && start < to) out.push({ start, figures });
      });
    }
    return out;
  }

  /** Windows in [from, to) that have a block, per agent. */
  async blockWindows(monitorId: string, agentId: string, from: number, to: number): Promise<Set<number>> {
    const rows = await this.db.prisma.monitorBlock.findMany({
      where: {
        monitorId,
        agentId,
        windowStart: { gte: new Date(bucketOf(from, WINDOW_MS)), lt: new Date(to) },
      },
      select: { windowStart: true },
    });
    return new Set(rows.map((r) => r.windowStart.getTime()));
  }

  /** Regroups one agent's raw rows of a window into its block, and rolls them up into minute rows. */
  async sealWindow(monitorId: string, agentId: string, windowStart: number): Promise<number[]> {
    const rows = await this.rows(monitorId, TIER.raw, windowStart, windowStart + WINDOW_MS, agentId);
    if (!rows.length) return [];
    const cells = [...new Set(rows.flatMap((r) => [...r.figures.keys()]))].sort((a, b) => a - b);
    const layoutId = await this.layout(monitorId, agentId, cells);
    const data = Buffer.alloc(cells.length * rows.length * RECORD_BYTES);
    cells.forEach((c, ci) =>
      rows.forEach((r, ri) => {
        const f = r.figures.get(c);
        if (f) writeRecord(data, (ci * rows.length + ri) * RECORD_BYTES, f);
      }),
    );
    const offsets = rows.map((r) => Math.round((r.start - windowStart) / 1000));
    await this.db.prisma.monitorBlock.upsert({
      where: { monitorId_agentId_windowStart: { monitorId, agentId, windowStart: new Date(windowStart) } },
      create: { monitorId, agentId, windowStart: new Date(windowStart), layoutId, offsets, data },
      update: { layoutId, offsets, data },
    });
    const minutes = new Map<number, StoredRow[]>();
    for (const r of rows) {
      const m = bucketOf(r.start, BUCKET_MS[1]);
      minutes.set(m, [...(minutes.get(m) ?? []), r]);
    }
    for (const [m, list] of minutes) await this.#writeRollup(monitorId, agentId, TIER.minute, m, list);
    return [...new Set([...minutes.keys()].map((m) => bucketOf(m, BUCKET_MS[2])))];
  }

  /** Rolls one agent's minute rows of an hour up into its hour row. */
  async rollUpHour(monitorId: string, agentId: string, hourStart: number): Promise<void> {
    const rows = await this.rows(monitorId, TIER.minute, hourStart, hourStart + BUCKET_MS[2], agentId);
    if (rows.length) await this.#writeRollup(monitorId, agentId, TIER.hour, hourStart, rows);
  }

  async #writeRollup(monitorId: string, agentId: string, tier: Tier, start: number, rows: StoredRow[]) {
    const byCell = new Map<number, CellFigures[]>();
    for (const r of rows) for (const [c, f] of r.figures) byCell.set(c, [...(byCell.get(c) ?? []), f]);
    const figures = new Map([...byCell].map(([c, list]) => [c, rollUp(list)]));
    const cells = [...figures.keys()].sort((a, b) => a - b);
    const layoutId = await this.layout(monitorId, agentId, cells);
    const intervals = rows.reduce((n, r) => n + r.intervals, 0);
    const data = encodeRow(cells, figures);
    await this.db.prisma.monitorSample.upsert({
      where: {
        monitorId_agentId_tier_bucketStart: { monitorId, agentId, tier, bucketStart: new Date(start) },
      },
      create: {
        monitorId,
        agentId,
        tier,
        bucketStart: new Date(start),
        intervals,
        layoutId,
        data,
        extra: toJson({}),
      },
      update: { intervals, layoutId, data },
    });
  }

  /** Deletes rows older than their tier's retention, in bounded batches; returns how many went. */
  async prune(cutoffs: Record<Tier, number>): Promise<number> {
    let gone = 0;
    const del = async (sql: string, ...params: unknown[]) => {
      for (;;) {
        const n = await this.db.prisma.$executeRawUnsafe(sql, ...params);
        gone += n;
        if (n < PRUNE_BATCH) return;
      }
    };
    for (const tier of [TIER.raw, TIER.minute, TIER.hour] as Tier[])
      await del(
        `DELETE FROM monitor_samples WHERE ctid IN (SELECT ctid FROM monitor_samples WHERE tier = $1 AND bucket_start < $2 LIMIT ${PRUNE_BATCH})`,
        tier,
        new Date(cutoffs[tier]),
      );
    await del(
      `DELETE FROM monitor_blocks WHERE ctid IN (SELECT ctid FROM monitor_blocks WHERE window_start < $1 LIMIT ${PRUNE_BATCH})`,
      new Date(cutoffs[TIER.raw]),
    );
    return gone;
  }

  /** Forgets a deleted monitor's history, in bounded batches. */
  async forget(monitorId: string): Promise<void> {
    for (const table of ['monitor_samples', 'monitor_blocks', 'monitor_events', 'monitor_layouts'])
      for (;;) {
        const n = await this.db.prisma.$executeRawUnsafe(
          `DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE monitor_id = $1 LIMIT ${PRUNE_BATCH})`,
          monitorId,
        );
        if (n < PRUNE_BATCH) break;
      }
    for (const [k, id] of this.#layoutIds)
      if (k.startsWith(`${monitorId}|`)) {
        this.#layoutIds.delete(k);
        this.#layouts.delete(id);
      }
  }

  /** Windows of the last `sinceMs` with raw rows but no block (left unsealed by a stop). */
  async unsealed(since: number): Promise<{ monitorId: string; agentId: string; window: number }[]> {
    const rows = await this.db.prisma.$queryRawUnsafe<{ monitor_id: string; agent_id: string; w: Date }[]>(
      `SELECT DISTINCT s.monitor_id, s.agent_id, to_timestamp(floor(extract(epoch FROM s.bucket_start) / 600) * 600) AT TIME ZONE 'UTC' AS w
       FROM monitor_samples s WHERE s.tier = 0 AND s.bucket_start >= $1
         AND NOT EXISTS (SELECT 1 FROM monitor_blocks b WHERE b.monitor_id = s.monitor_id AND b.agent_id = s.agent_id
                         AND b.window_start = to_timestamp(floor(extract(epoch FROM s.bucket_start) / 600) * 600) AT TIME ZONE 'UTC')`,
      new Date(since),
    );
    return rows.map((r) => ({ monitorId: r.monitor_id, agentId: r.agent_id, window: r.w.getTime() }));
  }

  /** The extra of every agent's raw rows since `from`, for rebuilding the live state at start. */
  async recentRaw(monitorId: string, from: number): Promise<StoredRow[]> {
    return this.rows(monitorId, TIER.raw, from, Date.now() + 60_000);
  }
}

const PRUNE_BATCH = 5000;
