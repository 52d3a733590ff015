// One cell's series as chart data: the panels (loss, delay, jitter, join latency) with their lines in
// uPlot's column layout, the state changes as marks, and the zoom and pan arithmetic of the time axis.
import type { CellState, Series, SeriesField } from '@netspotter/shared/api';

export interface Panel {
  title: string;
  unit: string;
  /** Line labels, one per column after the time column. */
  labels: string[];
  /** uPlot's data: [times in seconds, ...one array per line]. */
  data: [number[], ...Array<Array<number | null>>];
}

export interface StateMark {
  /** Seconds since the epoch. */
  t: number;
  to: CellState;
  text: string;
}

const PANELS: Array<{
  title: string;
  unit: string;
  lines: Array<[label: string, field: SeriesField, scale?: number]>;
}> = [
  { title: 'Loss', unit: '%', lines: [['loss %', 'lossRatio', 100]] },
  {
    title: 'Delay',
    unit: 'ms',
    lines: [
      ['p50', 'delayP50Ms'],
      ['p99', 'delayP99Ms'],
    ],
  },
  { title: 'Jitter', unit: 'ms', lines: [['jitter', 'jitterMs']] },
  { title: 'Join latency', unit: 'ms', lines: [['join latency', 'joinLatencyMs']] },
];

export function chartPanels(s: Pick<Series, 't' | 'series'>): Panel[] {
  return PANELS.map((p) => ({
    title: p.title,
    unit: p.unit,
    labels: p.lines.map(([label]) => label),
    data: [
      s.t,
      ...p.lines.map(([, field, scale = 1]) =>
        (s.series[field] ?? s.t.map(() => null)).map((v) => (v === null ? null : v * scale)),
      ),
    ],
  }));
}

export function stateMarks(s: Pick<Series, 'events'>): StateMark[] {
  return s.events.map((e) => ({
    t: Date.parse(e.at) / 1000,
    to: e.to,
    text: `${e.from ?? 'new'} → ${e.to}${e.reason ? ` (${e.reason})` : ''}`,
  }));
}

export type RangeChoice = '1h' | '6h' | '24h' | 'custom';
const HOURS: Record<Exclude<RangeChoice, 'custom'>, number> = { '1h': 1, '6h': 6, '24h': 24 };

/** The [from, to) a choice stands for, in ms; custom takes the given bounds. */
export function rangeOf(
  choice: RangeChoice,
  nowMs: number,
  custom?: { from: number; to: number },
): { from: number; to: number } {
  if (choice === 'custom') {
    if (!custom || !(custom.to > custom.from)) throw new RangeError('the custom range needs from before to');
    return custom;
  }
  return { from: nowMs - HOURS[choice] * 3_600_000, to: nowMs };
}

/**
 * The window first shown: the chosen range, but starting a step before its first point with figures and
 * at least 30 steps wide (a monitor created minutes ago is not a line squeezed against a day's right edge).
 */
export function initialWindow(s: Pick<Series, 't' | 'series' | 'stepSeconds'>, bounds: Window): Window {
  const first = s.t.findIndex((_, i) => Object.values(s.series).some((col) => col[i] != null));
  if (first < 0) return bounds;
  const min = Math.min(s.t[first]! - s.stepSeconds, bounds.max - 30 * s.stepSeconds);
  return { min: Math.max(bounds.min, min), max: bounds.max };
}

export interface Window {
  min: number;
  max: number;
}

/** Keeps a window inside the loaded bounds without changing its width (unless wider than them). */
function clamp(w: Window, bounds: Window): Window {
  const width = Math.min(w.max - w.min, bounds.max - bounds.min);
  const min = Math.min(Math.max(w.min, bounds.min), bounds.max - width);
  return { min, max: min + width };
}

/** Moves the window by a fraction of its width (negative: back in time), inside the bounds. */
export const pan = (w: Window, fraction: number, bounds: Window): Window => {
  const d = (w.max - w.min) * fraction;
  return clamp({ min: w.min + d, max: w.max + d }, bounds);
};

/** Scales the window by `factor` (< 1 zooms in) around `at`, inside the bounds; never below `minWidth`. */
export function zoom(w: Window, factor: number, at: number, bounds: Window, minWidth: number): Window {
  const width = Math.max(minWidth, (w.max - w.min) * factor);
  const left = (at - w.min) / (w.max - w.min || 1);
  return clamp({ min: at - width * left, max: at - width * left + width }, bounds);
}
