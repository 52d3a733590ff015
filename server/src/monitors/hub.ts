// The server's side of continuous monitoring, wired together: the catalog of monitors, agents'
// assignments, ingest of their summaries into history and the live view, the evaluator that judges
// every cell each second and stores state changes as events, and the housekeeping that regroups raw
// rows into blocks, rolls them up and prunes them by retention.
import type { FastifyBaseLogger } from 'fastify';
import type {
  MonitorAssignments,
  MonitorSummary,
  SummariesResponse,
} from '@netspotter/shared/agent-protocol';
import type { CellState } from '@netspotter/shared/api';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/connect.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { assignmentsOf } from './assignments.ts';
import { MonitorCatalog, type CellInfo, type LoadedMonitor } from './catalog.ts';
import { judgeCell, staleDeadline, type CellView } from './cell-state.ts';
import { bucketOf, BUCKET_MS, HistoryStore, rawKey, TIER, WINDOW_MS, type Tier } from './history.ts';
import { applyRow, rowOf, type RowExtra } from './ingest.ts';
import { MonitorLive } from './live.ts';
import { forEachInSteps } from '../steps.ts';
import { batches } from '../db/batches.ts';
import type { CellFigures } from './record.ts';
import type { StoredGroup } from './definition.ts';

const EVALUATE_EVERY_MS = 1000;
/** Cells judged per event-loop turn (a few ms on a loaded machine). */
const EVALUATE_STEP = 1000;
const HOUSEKEEPING_EVERY_MS = 30_000;
const PRUNE_EVERY_MS = 3_600_000;
/** State changes or first sightings stored per statement. */
const FLUSH_BATCH = 1000;

export interface StateChange {
  monitorId: string;
  cell: CellInfo;
  from: CellState;
  to: CellState;
  at: number;
  reason: string;
}

/** A receiver's join latency above its monitor's threshold, in one interval. */
export interface SlowJoin {
  monitorId: string;
  cell: CellInfo;
  at: number;
  latencyMs: number;
  thresholdMs: number;
}

/** The cells of one stored interval whose join latency is above the monitor's threshold (pure). */
export function slowJoins(
  m: LoadedMonitor,
  start: number,
  figures: ReadonlyMap<number, CellFigures>,
): SlowJoin[] {
  const thresholdMs = m.definition.thresholds.joinLatencyMs;
  if (thresholdMs === null) return [];
  return [...figures].flatMap(([no, f]) => {
    const cell = m.byNo.get(no);
    return cell && f.joinLatencyMs !== null && f.joinLatencyMs > thresholdMs
      ? [{ monitorId: m.id, cell, at: start, latencyMs: f.joinLatencyMs, thresholdMs }]
      : [];
  });
}

/**
 * Grace after a summary's due time before it counts as missing: half an interval, at least 5 s. The
 * upload and the ingest of a summary take seconds on a busy server (ingest lag p99 3.5 s in the
 * monitoring bench); a 1 s floor turned live agents' cells stale under load, with short intervals.
 */
export const graceMs = (intervalMs: number) => Math.max(5000, intervalMs / 2);

export class MonitorHub {
  readonly catalog: MonitorCatalog;
  readonly history: HistoryStore;
  readonly live = new Map<string, MonitorLive>();
  readonly #assignments = new Map<string, MonitorAssignments>();
  readonly #dirtyWindows = new Set<string>();
  readonly #dirtyHours = new Set<string>();
  readonly #firstSeen: { monitorId: string; cell: CellInfo }[] = [];
  readonly #changes: StateChange[] = [];
  /** Monitors whose cells must be judged again: new summaries came in, or the monitor changed. */
  readonly #dirty = new Set<string>();
  /** Per monitor, the first moment a cell turns stale without any new summary. */
  readonly #deadline = new Map<string, number>();
  readonly #listeners: ((c: StateChange[]) => void)[] = [];
  readonly #joinListeners: ((j: SlowJoin[]) => void)[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  #evaluating?: Promise<void>;
  #housekeeping?: Promise<void>;
  #lastPrune = 0;
  /** Ingest lag (arrival − interval end, seconds) of recent summaries, for /metrics. */
  readonly lags: number[] = [];

  constructor(
    private readonly db: Database,
    secrets: SecretBox,
    private readonly config: Config,
    private readonly log: FastifyBaseLogger,
  ) {
    this.catalog = new MonitorCatalog(db, secrets);
    this.history = new HistoryStore(db);
  }

  /** Time agents need to reach the server again and learn their assignments before silence means stale. */
  #restartGrace(intervalMs: number): number {
    return 2 * intervalMs + graceMs(intervalMs) + 2 * this.config.agentHeartbeatSeconds * 1000;
  }

  async start(): Promise<void> {
    await this.catalog.loadAll();
    for (const m of this.catalog.monitors.values()) await this.#rebuildLive(m);
    for (const w of await this.history.unsealed(Date.now() - this.config.monitorRawHours * 3_600_000))
      this.#dirtyWindows.add(`${w.monitorId}|${w.agentId}|${w.window}`);
    this.#timers.push(
      setInterval(() => void this.#tick(), EVALUATE_EVERY_MS),
      setInterval(() => void this.#housekeep(), HOUSEKEEPING_EVERY_MS),
    );
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await this.#evaluating;
    await this.#housekeeping;
    await this.#flush().catch((err) => this.log.error({ err }, 'monitor state flush failed'));
  }

  /** State changes as they are stored (diagnosis, alerts and tests listen here). */
  onChanges(fn: (c: StateChange[]) => void): void {
    this.#listeners.push(fn);
  }

  /** Join latencies above their monitor's threshold, as their intervals are stored. */
  onSlowJoins(fn: (j: SlowJoin[]) => void): void {
    this.#joinListeners.push(fn);
  }

  /** The live view of a monitor after a restart: its agents' newest rows, read back. */
  async #rebuildLive(m: LoadedMonitor): Promise<void> {
    const intervalMs = m.definition.intervalSeconds * 1000;
    const live = new MonitorLive(intervalMs, Date.now() + this.#restartGrace(intervalMs));
    this.live.set(m.id, live);
    this.#dirty.add(m.id);
    for (const r of await this.history.recentRaw(m.id, Date.now() - 4 * intervalMs))
      applyRow(m, live, r.agentId, r.start, 1, r.figures, (r.extra ?? {}) as RowExtra);
  }

  /** After a monitor was created, changed, started or stopped. */
  async reload(monitorId: string): Promise<void> {
    this.#dirty.add(monitorId);
    const before = this.catalog.monitors.get(monitorId);
    const m = await this.catalog.load(monitorId);
    this.#assignments.clear();
    if (!m) {
      this.live.delete(monitorId);
      return;
    }
    const intervalMs = m.definition.intervalSeconds * 1000;
    const live = this.live.get(monitorId);
    const restarted =
      m.running && (!before?.running || before.definition.intervalSeconds !== m.definition.intervalSeconds);
    if (!live || restarted)
      this.live.set(monitorId, new MonitorLive(intervalMs, Date.now() + this.#restartGrace(intervalMs)));
  }

  async forget(monitorId: string): Promise<void> {
    this.catalog.monitors.delete(monitorId);
    this.live.delete(monitorId);
    this.#assignments.clear();
    await this.history.forget(monitorId);
  }

  assignments(agentId: string): MonitorAssignments {
    let a = this.#assignments.get(agentId);
    if (!a) {
      a = assignmentsOf(this.catalog.ofAgent(agentId), agentId);
      this.#assignments.set(agentId, a);
    }
    return a;
  }

  async ingest(agentId: string, summaries: MonitorSummary[]): Promise<SummariesResponse> {
    const arrived = Date.now();
    const rows = [];
    let ignored = 0;
    for (const s of summaries) {
      const m = this.catalog.monitors.get(s.monitorId);
      const intervalMs = (m?.definition.intervalSeconds ?? 0) * 1000;
      // Another monitor's interval (an edit the agent has not learnt yet), or an interval not yet over.
      const offGrid = s.intervalMs !== intervalMs || s.intervalStart % intervalMs !== 0;
      if (!m || !m.participants.some((p) => p.agentId === agentId) || offGrid || s.intervalStart > arrived) {
        ignored++;
        continue;
      }
      const live = this.live.get(m.id);
      const sent = (groupId: string, senderId: string, start: number) =>
        live?.sentAt(groupId, senderId, start);
      rows.push({ m, row: await rowOf(this.catalog, m, agentId, s, sent) });
    }
    const stored = await this.history.insertRaw(rows.map((r) => r.row));
    const count = stored.size;
    const slow: SlowJoin[] = [];
    for (const { m, row } of rows) {
      // A replay (or a second summary of one interval) changes nothing: the first one stored stands.
      if (!stored.delete(rawKey(m.id, agentId, row.start))) continue;
      slow.push(...slowJoins(m, row.start, row.figures));
      this.#dirty.add(m.id);
      const live = this.live.get(m.id);
      if (live) {
        for (const cell of applyRow(m, live, agentId, row.start, 1, row.figures, row.extra as RowExtra))
          this.#firstSeen.push({ monitorId: m.id, cell });
      }
      const window = bucketOf(row.start, WINDOW_MS);
      this.#dirtyWindows.add(`${m.id}|${agentId}|${window}`);
      this.lags.push((arrived - row.start - m.definition.intervalSeconds * 1000) / 1000);
    }
    if (this.lags.length > 10_000) this.lags.splice(0, this.lags.length - 10_000);
    if (slow.length) for (const l of this.#joinListeners) l(slow);
    return { stored: count, duplicates: rows.length - count, ignored };
  }

  /** The view one cell of group `g` is judged on, with its figures of the interval that began at `start`. */
  view(
    m: LoadedMonitor,
    live: MonitorLive,
    c: CellInfo,
    g: StoredGroup,
    now: number,
    start?: number,
  ): CellView {
    const intervalMs = m.definition.intervalSeconds * 1000;
    const base = {
      kind: g.kind,
      now,
      intervalMs,
      graceMs: graceMs(intervalMs),
      staleNotBefore: live.staleNotBefore,
      receiverName: m.names.get(c.receiverId) ?? c.receiverId,
      senderName: g.kind === 'beacon' ? (m.names.get(c.source) ?? c.source) : c.source,
      receiverLatest: live.latestStart(c.receiverId),
      // As of the interval judged: one before the first packet is never-seen, even when judged later.
      everSeen: c.firstSeenAt !== null && (start === undefined || c.firstSeenAt <= start),
      thresholds: m.definition.thresholds,
    };
    const figures = start === undefined ? undefined : live.figuresAt(c.no, start);
    // A receiver's first interval after a gap in its summaries (its agent started or restarted) began
    // before it (re)joined: a source whose packets had not reached it yet by the interval's end is not
    // lost. Its next interval, whole, is judged.
    const judgeable =
      start !== undefined &&
      (!!figures?.received || !!live.agentStarts.get(c.receiverId)?.includes(start - intervalMs));
    if (g.kind === 'watch') return { ...base, ...(judgeable && { judged: { start, figures } }) };
    return {
      ...base,
      senderLatest: live.latestSent(c.groupId, c.source),
      ...(judgeable && { judged: { start, figures, sent: live.sentAt(c.groupId, c.source, start) } }),
    };
  }

  /**
   * Judges every cell of the running monitors whose verdicts can have changed (new summaries, or a cell's
   * stale deadline passed); keeps the changes for the next flush. Cells' states change only then, so the
   * other seconds cost nothing. Each interval reported since a cell was last judged is judged in order.
   * Judged in steps: 20,000 cells in one go held /healthz for over 100 ms whenever summaries were
   * streaming in (a monitor is judged again each second then).
   */
  async evaluate(now = Date.now()): Promise<void> {
    for (const m of [...this.catalog.monitors.values()]) {
      const live = this.live.get(m.id);
      if (!m.running || !live) continue;
      if (!this.#dirty.has(m.id) && now < (this.#deadline.get(m.id) ?? 0)) continue;
      this.#dirty.delete(m.id);
      let next = Infinity;
      const judge = (c: CellInfo, view: CellView) => {
        const v = judgeCell(view);
        if (!v || v.state === c.state) return;
        const at = Math.max(v.at, c.since);
        this.#changes.push({ monitorId: m.id, cell: c, from: c.state, to: v.state, at, reason: v.reason });
        c.state = v.state;
        c.since = at;
        live.revision++;
      };
      await forEachInSteps(
        m.active,
        (c) => {
          const g = m.definition.groups.find((x) => x.id === c.groupId)!;
          const starts = live.startsToJudge(
            c.receiverId,
            c.groupId,
            g.kind === 'beacon' ? c.source : undefined,
            c.judgedStart,
          );
          if (!starts.length) {
            const view = this.view(m, live, c, g, now);
            next = Math.min(next, staleDeadline(view));
            return judge(c, view);
          }
          for (const start of starts) {
            const view = this.view(m, live, c, g, now, start);
            next = Math.min(next, staleDeadline(view));
            judge(c, view);
          }
          c.judgedStart = starts.at(-1);
        },
        EVALUATE_STEP,
      );
      this.#deadline.set(m.id, next);
    }
  }

  async #tick(): Promise<void> {
    if (this.#evaluating) return;
    this.#evaluating = (async () => {
      await this.evaluate();
      await this.#flush();
    })()
      .catch((err) => this.log.error({ err }, 'monitor evaluation failed'))
      .finally(() => (this.#evaluating = undefined));
  }

  /**
   * Stores state changes (cells and events) and first sightings, a bounded batch per statement with the
   * rows as one JSON argument, sent through `pg` itself: through Prisma's createMany each row cost about
   * 0.1 ms on the event loop, a first sighting was one statement per cell (a monitor's first interval:
   * 20,000 of them), and Prisma's raw queries walk a 200 KB argument for ~13 ms (pg: 0.5 ms).
   * Listeners hear each batch as it is stored.
   */
  async #flush(): Promise<void> {
    const changes = this.#changes.splice(0);
    const seen = this.#firstSeen.splice(0);
    const { pool } = this.db;
    for (const batch of batches(changes, FLUSH_BATCH)) {
      const rows = batch.map((c, n) => ({
        n,
        monitor_id: c.monitorId,
        cell_no: c.cell.no,
        from_state: c.from,
        to_state: c.to,
        at: new Date(c.at), // UTC in JSON, as the column is
        reason: c.reason,
      }));
      // Events in the order they happened; a cell that changed twice in the batch ends in its last state.
      await pool.query(
        `WITH v AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb)
             AS v(n int, monitor_id text, cell_no int, from_state text, to_state text, at timestamp(3), reason text)
         ), e AS (
           INSERT INTO monitor_events (monitor_id, cell_no, at, from_state, to_state, reason)
           SELECT monitor_id, cell_no, at, from_state, to_state, reason FROM v ORDER BY n
         )
         UPDATE monitor_cells AS c SET state = l.to_state, since = l.at
         FROM (SELECT DISTINCT ON (monitor_id, cell_no) * FROM v ORDER BY monitor_id, cell_no, n DESC) AS l
         WHERE c.monitor_id = l.monitor_id AND c.cell_no = l.cell_no`,
        [JSON.stringify(rows)],
      );
      for (const l of this.#listeners) l(batch);
    }
    for (const batch of batches(seen, FLUSH_BATCH))
      await pool.query(
        `UPDATE monitor_cells AS c SET first_seen_at = v.at
         FROM jsonb_to_recordset($1::jsonb) AS v(monitor_id text, cell_no int, at timestamp(3))
         WHERE c.monitor_id = v.monitor_id AND c.cell_no = v.cell_no AND c.first_seen_at IS NULL`,
        [
          JSON.stringify(
            batch.map((x) => ({
              monitor_id: x.monitorId,
              cell_no: x.cell.no,
              at: new Date(x.cell.firstSeenAt!),
            })),
          ),
        ],
      );
  }

  async #housekeep(): Promise<void> {
    if (this.#housekeeping) return;
    this.#housekeeping = this.housekeep()
      .catch((err) => this.log.error({ err }, 'monitor housekeeping failed'))
      .finally(() => (this.#housekeeping = undefined));
  }

  /**
   * Seals complete windows into blocks and minute roll-ups (again when late summaries came in), rolls
   * complete hours up, and prunes by retention once an hour.
   */
  async housekeep(now = Date.now(), all = false): Promise<void> {
    for (const key of [...this.#dirtyWindows]) {
      const [monitorId, agentId, w] = key.split('|') as [string, string, string];
      const m = this.catalog.monitors.get(monitorId);
      const lateness = 2 * (m?.definition.intervalSeconds ?? 10) * 1000 + 15_000;
      if (!all && Number(w) + WINDOW_MS + lateness > now) continue;
      this.#dirtyWindows.delete(key);
      if (!m) continue;
      for (const h of await this.history.sealWindow(monitorId, agentId, Number(w)))
        this.#dirtyHours.add(`${monitorId}|${agentId}|${h}`);
    }
    for (const key of [...this.#dirtyHours]) {
      const [monitorId, agentId, h] = key.split('|') as [string, string, string];
      if (!all && Number(h) + BUCKET_MS[TIER.hour] + WINDOW_MS > now) continue;
      this.#dirtyHours.delete(key);
      await this.history.rollUpHour(monitorId, agentId, Number(h));
    }
    if (now - this.#lastPrune >= PRUNE_EVERY_MS) {
      this.#lastPrune = now;
      const c = this.config;
      const cutoffs: Record<Tier, number> = {
        [TIER.raw]: now - c.monitorRawHours * 3_600_000,
        [TIER.minute]: now - c.monitorMinuteDays * 86_400_000,
        [TIER.hour]: now - c.monitorHourDays * 86_400_000,
      };
      const gone = await this.history.prune(cutoffs);
      // PGlite runs no autovacuum: reclaim what retention freed.
      if (gone && this.db.kind === 'pglite')
        await this.db.sql.exec('VACUUM monitor_samples; VACUUM monitor_blocks');
    }
  }
}
