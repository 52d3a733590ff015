// `netspotter monitor status`: a matrix judged for a person or a script (pure). A monitor is healthy when
// it runs, its summaries are fresh and no cell is degraded, lost or stale; cells never seen yet count as
// problems too once the monitor has reported at all.
import { matrixCells, type Matrix } from '@netspotter/shared/api';

export interface StatusReport {
  healthy: boolean;
  monitor: string;
  state: string;
  summaryAgeSeconds: number | null;
  stale: boolean;
  counts: Record<string, number>;
  problems: { group: string; source: string; receiver: string; state: string; lossRatio: number | null }[];
}

const BAD = new Set(['degraded', 'lost', 'stale', 'never-seen']);

export function statusReport(m: Matrix): StatusReport {
  const problems: StatusReport['problems'] = [];
  for (const g of m.groups)
    for (const c of matrixCells(g)) {
      const state = m.states[c.state!]!;
      if (!BAD.has(state)) continue;
      problems.push({
        group: g.group,
        source: g.sources[c.source!]!.name,
        receiver: g.receivers[c.receiver!]!.name,
        state,
        lossRatio: c.lossRatio,
      });
    }
  // Summaries are stale when none arrived for two intervals (or none ever did).
  const stale = m.newestSummaryAge === null || m.newestSummaryAge > 2 * m.monitor.intervalSeconds;
  return {
    healthy: m.monitor.state === 'running' && !stale && problems.length === 0,
    monitor: m.monitor.name,
    state: m.monitor.state,
    summaryAgeSeconds: m.newestSummaryAge,
    stale,
    counts: m.counts,
    problems,
  };
}

export function formatStatus(r: StatusReport): string {
  const counts = Object.entries(r.counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const age =
    r.summaryAgeSeconds === null ? 'no summaries yet' : `newest summary ${r.summaryAgeSeconds} s old`;
  const lines = [
    `${r.monitor}: ${r.healthy ? 'OK' : 'PROBLEM'} (${r.state}; ${age}${r.stale ? ', STALE' : ''}; ${counts || 'no cells'})`,
  ];
  for (const p of r.problems) {
    const loss = p.lossRatio === null ? '' : ` loss ${Math.round(p.lossRatio * 1000) / 10}%`;
    lines.push(`  ${p.group} ${p.source} -> ${p.receiver}: ${p.state}${loss}`);
  }
  return lines.join('\n');
}
