// A monitor's matrix as heatmaps, one per group: rows are sources, columns receivers, each cell its state
// with a symbol beside the colour (so the state reads without colour) and its figures in words.
import {
  matrixCells,
  type CellState,
  type Matrix,
  type MatrixCell,
  type MatrixGroup,
} from '@netspotter/shared/api';

/** The symbol and word each state shows besides its colour. */
export const STATE_CUES: Record<CellState, { symbol: string; word: string }> = {
  ok: { symbol: '✓', word: 'ok' },
  degraded: { symbol: '!', word: 'degraded' },
  lost: { symbol: '✕', word: 'lost' },
  'never-seen': { symbol: '?', word: 'never seen' },
  stale: { symbol: '…', word: 'stale' },
};

export interface HeatCell {
  /** The group's id, the source id (agent id or address) and the receiving agent's id: the series key. */
  group: string;
  source: string;
  receiver: string;
  sourceName: string;
  receiverName: string;
  state: CellState;
  figures: MatrixCell;
  /** One line per figure, for the tooltip. */
  details: string[];
}

export interface Heatmap {
  group: MatrixGroup;
  title: string;
  sources: MatrixGroup['sources'];
  receivers: MatrixGroup['receivers'];
  /** rows[source][receiver]: undefined where the pair is no cell (a host does not receive itself). */
  rows: Array<Array<HeatCell | undefined>>;
}

const num = (v: number | null, digits = 1): string | undefined =>
  v === null ? undefined : (Math.round(v * 10 ** digits) / 10 ** digits).toString();

/** "3 of 50 lost", or "nothing arrived" when the receiver counted no packet at all. */
function lossCounts(c: MatrixCell): string {
  const total = (c.received ?? 0) + (c.lost ?? 0);
  return total === 0 ? 'nothing arrived' : `${c.lost ?? 0} of ${total} lost`;
}

/** The figures of a cell, in words: loss, delay p50/p99, jitter, hops, join latency, age. */
export function cellDetails(c: MatrixCell): string[] {
  const lines: Array<string | undefined> = [
    c.lossRatio === null ? undefined : `loss ${num(c.lossRatio * 100, 2)}% (${lossCounts(c)})`,
    c.delayP50Ms === null && c.delayP99Ms === null
      ? undefined
      : `delay p50 ${num(c.delayP50Ms, 2) ?? '—'} ms, p99 ${num(c.delayP99Ms, 2) ?? '—'} ms`,
    c.jitterMs === null ? undefined : `jitter ${num(c.jitterMs, 2)} ms`,
    c.hops === null ? undefined : `hops ${c.hops}`,
    c.joinLatencyMs === null ? undefined : `join latency ${num(c.joinLatencyMs)} ms`,
    c.left ? 'receiver left (operator)' : undefined,
    c.age === null ? 'no summary yet' : `summary ${ageText(c.age)}`,
  ];
  return lines.filter((l): l is string => l !== undefined);
}

/** An age in seconds as "4 s ago", "3 min ago", "2 h ago". */
export function ageText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function groupTitle(g: Pick<MatrixGroup, 'mode' | 'group' | 'port' | 'source' | 'kind'>): string {
  const channel = g.mode === 'ssm' ? `(${g.source ?? '?'}, ${g.group})` : `(*, ${g.group})`;
  return `${g.kind === 'watch' ? 'watch ' : ''}${g.mode.toUpperCase()} ${channel} port ${g.port}`;
}

export function heatmaps(m: Pick<Matrix, 'groups' | 'states'>): Heatmap[] {
  return m.groups.map((g) => {
    const rows: Heatmap['rows'] = g.sources.map(() => g.receivers.map(() => undefined));
    for (const c of matrixCells(g)) {
      const src = g.sources[c.source ?? -1];
      const rcv = g.receivers[c.receiver ?? -1];
      if (!src || !rcv) continue;
      rows[c.source!]![c.receiver!] = {
        group: g.id,
        source: src.id,
        receiver: rcv.id,
        sourceName: src.name,
        receiverName: rcv.name,
        state: (m.states[c.state ?? -1] ?? 'stale') as CellState,
        figures: c,
        details: cellDetails(c),
      };
    }
    return { group: g, title: groupTitle(g), sources: g.sources, receivers: g.receivers, rows };
  });
}

/** "6 ok, 2 lost" in the order of the states (zero counts left out); "no cells" when empty. */
export function stateSummary(counts: Record<string, number>): string {
  const parts = (Object.keys(STATE_CUES) as CellState[])
    .filter((s) => (counts[s] ?? 0) > 0)
    .map((s) => `${counts[s]} ${STATE_CUES[s].word}`);
  return parts.join(', ') || 'no cells';
}

/** The worst state among the counts (lost, degraded, stale, never-seen, ok), or undefined without cells. */
export function worstState(counts: Record<string, number>): CellState | undefined {
  const order: CellState[] = ['lost', 'degraded', 'stale', 'never-seen', 'ok'];
  return order.find((s) => (counts[s] ?? 0) > 0);
}
