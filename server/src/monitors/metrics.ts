// The Prometheus exposition of GET /metrics: the server's health (process CPU, memory, event-loop lag),
// agents by state, monitors' cells by state and summary age, ingest lag, and per cell (labels monitor,
// group, source, receiver) state, loss ratio, delay p50/p99, jitter, join latency and hops. Per-cell
// series are bounded: at most `maxCells` cells in all (cells not ok first), the rest counted.
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { CELL_STATES } from '@netspotter/shared/api';
import type { Database } from '../db/connect.ts';
import { liveness } from '../agents/liveness.ts';
import type { MonitorHub } from './hub.ts';
import { liveCells, type CellNow } from './matrix.ts';
import { lossRatio } from './record.ts';

const CELL_LABELS = ['monitor', 'group', 'source', 'receiver'] as const;

export function monitoringRegistry(
  db: Database,
  hub: MonitorHub,
  heartbeatSeconds: number,
  maxCells: number,
): Registry {
  const registry = new Registry();
  const on = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'netspotter_' });
  // Filled on each scrape from the live view (one pass over every monitor's cells). Registered first:
  // the registry reads metrics in registration order, so the per-cell gauges below are set before they are read.
  new Gauge({
    name: 'netspotter_monitor_scrape_cells',
    help: 'Cells of running monitors seen at this scrape',
    registers: on,
    collect() {
      for (const g of [cellsByState, running, age, state, loss, delay, jitter, join, hops]) g.reset();
      const now = Date.now();
      const all: { labels: Record<(typeof CELL_LABELS)[number], string>; c: CellNow }[] = [];
      for (const m of hub.catalog.monitors.values()) {
        running.set({ monitor: m.name }, m.running ? 1 : 0);
        if (!m.running) continue;
        const live = hub.live.get(m.id);
        if (live?.newestSummaryEnd !== undefined)
          age.set({ monitor: m.name }, (now - live.newestSummaryEnd) / 1000);
        const counts = Object.fromEntries(CELL_STATES.map((s) => [s, 0]));
        const groupLabel = (id: string) => {
          const g = m.definition.groups.find((x) => x.id === id)!;
          return m.definition.groups.filter((x) => x.group === g.group).length > 1
            ? `${g.group}/${g.port}`
            : g.group;
        };
        for (const c of liveCells(m, live, now)) {
          counts[c.state]!++;
          const g = m.definition.groups.find((x) => x.id === c.cell.groupId)!;
          all.push({
            c,
            labels: {
              monitor: m.name,
              group: groupLabel(c.cell.groupId),
              source: g.kind === 'beacon' ? (m.names.get(c.cell.source) ?? c.cell.source) : c.cell.source,
              receiver: m.names.get(c.cell.receiverId) ?? c.cell.receiverId,
            },
          });
        }
        for (const [s, n] of Object.entries(counts)) cellsByState.set({ monitor: m.name, state: s }, n);
      }
      // Cells not ok first, so the bound never hides a problem while ok cells are shown.
      const shown = [
        ...all.filter((x) => x.c.state !== 'ok'),
        ...all.filter((x) => x.c.state === 'ok'),
      ].slice(0, maxCells);
      unexported.set(all.length - shown.length);
      for (const { labels, c } of shown) {
        const f = c.figures;
        state.set(labels, CELL_STATES.indexOf(c.state));
        const ratio = f ? (f.received === 0 && c.sent ? 1 : lossRatio(f)) : null;
        if (ratio !== null) loss.set(labels, ratio);
        if (f?.delayP50Ms !== null && f?.delayP50Ms !== undefined)
          delay.set({ ...labels, quantile: '0.5' }, f.delayP50Ms);
        if (f?.delayP99Ms !== null && f?.delayP99Ms !== undefined)
          delay.set({ ...labels, quantile: '0.99' }, f.delayP99Ms);
        if (f?.jitterMs !== null && f?.jitterMs !== undefined) jitter.set(labels, f.jitterMs);
        if (f?.hops !== null && f?.hops !== undefined) hops.set(labels, f.hops);
        if (c.joinLatencyMs !== null) join.set(labels, c.joinLatencyMs);
      }
      const lags = [...hub.lags].sort((a, b) => a - b);
      lag.reset();
      if (lags.length)
        for (const q of [0.5, 0.99])
          lag.set({ quantile: String(q) }, lags[Math.min(lags.length - 1, Math.ceil(q * lags.length) - 1)]!);
      this.set(all.length);
    },
  });
  new Gauge({
    name: 'netspotter_agents',
    help: 'Agents by state (online, suspect, offline, disconnected)',
    labelNames: ['state'],
    registers: on,
    async collect() {
      const agents = await db.prisma.agent.findMany({ select: { lastSeenAt: true, disconnectedAt: true } });
      const counts = { online: 0, suspect: 0, offline: 0, disconnected: 0 };
      for (const a of agents)
        counts[a.disconnectedAt ? 'disconnected' : liveness(a.lastSeenAt, Date.now(), heartbeatSeconds)]++;
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  const cellsByState = new Gauge({
    name: 'netspotter_monitor_cells',
    help: 'Monitor cells by state',
    labelNames: ['monitor', 'state'],
    registers: on,
  });
  const running = new Gauge({
    name: 'netspotter_monitor_running',
    help: '1 while the monitor runs, 0 when stopped',
    labelNames: ['monitor'],
    registers: on,
  });
  const age = new Gauge({
    name: 'netspotter_monitor_summary_age_seconds',
    help: 'Age of the newest summary any agent sent for the monitor',
    labelNames: ['monitor'],
    registers: on,
  });
  const lag = new Gauge({
    name: 'netspotter_monitor_ingest_lag_seconds',
    help: 'Summaries arriving after their interval ended, over the last 10,000 (quantiles)',
    labelNames: ['quantile'],
    registers: on,
  });
  const unexported = new Gauge({
    name: 'netspotter_monitor_cells_unexported',
    help: 'Cells left out of the per-cell metrics by the cardinality bound (metricsMaxCells)',
    registers: on,
  });
  const cell = (name: string, help: string, extra: string[] = []) =>
    new Gauge({ name, help, labelNames: [...CELL_LABELS, ...extra], registers: on });
  const state = cell(
    'netspotter_monitor_cell_state',
    `Cell state: ${CELL_STATES.map((s, i) => `${i} ${s}`).join(', ')}`,
  );
  const loss = cell('netspotter_monitor_loss_ratio', 'Lost / (received + lost) in the newest interval');
  const delay = cell('netspotter_monitor_delay_ms', 'One-way delay in the newest interval, clock-corrected', [
    'quantile',
  ]);
  const jitter = cell('netspotter_monitor_jitter_ms', 'RFC 3550 interarrival jitter');
  const join = cell(
    'netspotter_monitor_join_latency_ms',
    'The last measured join latency (join → first packet)',
  );
  const hops = cell('netspotter_monitor_hops', 'Hops from the sender (initial minus received hop limit)');

  return registry;
}
