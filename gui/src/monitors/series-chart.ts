// One cell's series over a chosen range: loss, delay, jitter and join latency in uPlot charts sharing one
// time axis (drag to zoom, the wheel zooms, buttons and arrow keys pan, double-click shows all), the
// cell's state changes drawn as coloured vertical marks and listed beneath.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { CellState, Series } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { dataTable, fill, h } from '../dom.ts';
import {
  chartPanels,
  initialWindow,
  pan,
  rangeOf,
  stateMarks,
  zoom,
  type RangeChoice,
  type StateMark,
  type Window,
} from './series-data.ts';
import type { HeatCell } from './heatmap.ts';

/** Mark colours by state (the list beneath names each change in words). */
const MARK: Record<CellState, string> = {
  ok: '#1e8a3c',
  degraded: '#c77700',
  lost: '#c62828',
  'never-seen': '#7b4fb3',
  stale: '#6b7580',
};
const LINES = ['#2f6fb3', '#c2410c'];

function marksPlugin(marks: StateMark[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.lineWidth = 2 * devicePixelRatio;
        for (const m of marks) {
          const x = u.valToPos(m.t, 'x', true);
          if (x < bbox.left || x > bbox.left + bbox.width) continue;
          ctx.strokeStyle = MARK[m.to];
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}

const toLocalInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/** The series panel for one cell; returns its element and a clean-up. */
export function seriesPanel(monitorId: string, cell: HeatCell): { el: HTMLElement; destroy(): void } {
  let plots: uPlot[] = [];
  let bounds: Window = { min: 0, max: 1 };
  let syncing = false;
  const choice = h(
    'select',
    { id: 'series-range', name: 'range' },
    ...(['1h', '6h', '24h', 'custom'] as const).map((c) =>
      h('option', { value: c }, c === 'custom' ? 'custom…' : `last ${c}`),
    ),
  );
  const from = h('input', { type: 'datetime-local', id: 'series-from', name: 'from' });
  const to = h('input', { type: 'datetime-local', id: 'series-to', name: 'to' });
  const custom = h(
    'span',
    { class: 'custom-range', hidden: true },
    h('label', { for: from.id }, 'From '),
    from,
    h('label', { for: to.id }, ' to '),
    to,
    h('button', { type: 'button', onclick: () => void load() }, 'Show'),
  );
  const status = h('p', { class: 'small', 'aria-live': 'polite' });
  const charts = h('div', {
    class: 'series-charts',
    tabindex: '0',
    'aria-label': 'Charts: arrow keys pan, + and − zoom',
  });
  const changes = h('div', { class: 'table-wrap' });

  const setWindow = (w: Window) => {
    syncing = true;
    for (const p of plots) p.setScale('x', w);
    syncing = false;
  };
  const current = (): Window => {
    const s = plots[0]?.scales.x;
    return s?.min != null && s.max != null ? { min: s.min, max: s.max } : bounds;
  };
  const minWidth = () => 6 * ((plots[0]?.data[0][1] ?? 10) - (plots[0]?.data[0][0] ?? 0) || 10);
  const panBy = (f: number) => setWindow(pan(current(), f, bounds));
  /** Zooms around `at`; the buttons and keys keep the newest point in view when it is. */
  const zoomBy = (f: number, at?: number) => {
    const w = current();
    const anchor = at ?? (w.max >= bounds.max ? w.max : (w.min + w.max) / 2);
    setWindow(zoom(w, f, anchor, bounds, minWidth()));
  };

  const draw = (s: Series) => {
    for (const p of plots) p.destroy();
    const marks = stateMarks(s);
    const width = Math.max(320, Math.min(charts.clientWidth || 900, 1100));
    charts.replaceChildren();
    plots = chartPanels(s).map((panel) => {
      const box = h('figure', { class: 'series-chart', 'aria-label': `${panel.title} (${panel.unit})` });
      charts.append(box);
      return new uPlot(
        {
          title: `${panel.title} (${panel.unit})`,
          width,
          height: 150,
          scales: { x: { time: true } },
          cursor: { sync: { key: `cell-${monitorId}` }, drag: { x: true, y: false } },
          legend: { live: true },
          series: [
            {},
            ...panel.labels.map((label, i) => ({
              label,
              stroke: LINES[i % LINES.length],
              width: 1.5,
              spanGaps: false,
            })),
          ],
          axes: [{}, { label: panel.unit, size: 56 }],
          plugins: [marksPlugin(marks)],
          hooks: {
            setScale: [
              (u, key) => {
                // A zoom in one chart (a drag) zooms them all.
                if (key !== 'x' || syncing) return;
                const w = { min: u.scales.x!.min!, max: u.scales.x!.max! };
                syncing = true;
                for (const p of plots) if (p !== u) p.setScale('x', w);
                syncing = false;
              },
            ],
          },
        },
        panel.data,
        box,
      );
    });
    fill(
      changes,
      marks.length === 0
        ? h('p', { class: 'empty' }, 'No state changes in this range.')
        : dataTable(
            'State changes',
            ['When', 'Change'],
            marks.map((m) =>
              h(
                'tr',
                {},
                h('td', {}, new Date(m.t * 1000).toLocaleString()),
                h(
                  'td',
                  {},
                  h('span', { class: `heat-swatch state-${m.to}`, 'aria-hidden': 'true' }),
                  ` ${m.text}`,
                ),
              ),
            ),
          ),
    );
  };

  const load = async () => {
    const pick = choice.value as RangeChoice;
    custom.hidden = pick !== 'custom';
    let r: { from: number; to: number };
    try {
      r = rangeOf(pick, Date.now(), { from: Date.parse(from.value), to: Date.parse(to.value) });
    } catch (e) {
      status.textContent = (e as Error).message;
      return;
    }
    bounds = { min: r.from / 1000, max: r.to / 1000 };
    status.textContent = 'Loading…';
    const q = new URLSearchParams({
      group: cell.group,
      source: cell.source,
      receiver: cell.receiver,
      from: new Date(r.from).toISOString(),
      to: new Date(r.to).toISOString(),
    });
    const s = await api<Series>('GET', `/api/monitors/${encodeURIComponent(monitorId)}/series?${q}`).catch(
      () => undefined,
    );
    if (!s) {
      status.textContent = 'Could not load the series.';
      return;
    }
    status.textContent = `${s.t.length} points, ${s.stepSeconds} s apart (${s.tier === 'raw' ? 'raw intervals' : `${s.tier} roll-ups`}), ${s.events.length} state changes`;
    draw(s);
    setWindow(initialWindow(s, bounds));
  };

  choice.addEventListener('change', () => {
    if (choice.value === 'custom') {
      custom.hidden = false;
      to.value ||= toLocalInput(Date.now());
      from.value ||= toLocalInput(Date.now() - 3_600_000);
    } else void load();
  });
  charts.addEventListener('keydown', (ev) => {
    const act: Record<string, () => void> = {
      ArrowLeft: () => panBy(-0.25),
      ArrowRight: () => panBy(0.25),
      '+': () => zoomBy(0.5),
      '=': () => zoomBy(0.5),
      '-': () => zoomBy(2),
    };
    const fn = act[ev.key];
    if (fn) {
      ev.preventDefault();
      fn();
    }
  });
  charts.addEventListener(
    'wheel',
    (ev) => {
      const p = plots.find((x) => x.over.contains(ev.target as Node));
      if (!p) return;
      ev.preventDefault();
      const at = p.posToVal(ev.clientX - p.over.getBoundingClientRect().left, 'x');
      zoomBy(ev.deltaY < 0 ? 0.75 : 1 / 0.75, at);
    },
    { passive: false },
  );
  const button = (label: string, fn: () => void, aria: string) =>
    h('button', { type: 'button', onclick: fn, 'aria-label': aria, title: aria }, label);
  const el = h(
    'section',
    { class: 'series', 'aria-labelledby': 'series-h', 'data-testid': 'cell-series' },
    h('h2', { id: 'series-h' }, `${cell.sourceName} → ${cell.receiverName}`),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { for: choice.id }, 'Range '),
      choice,
      custom,
      h(
        'span',
        { role: 'group', 'aria-label': 'Zoom and pan' },
        button('◀', () => panBy(-0.5), 'Pan back'),
        button('+', () => zoomBy(0.5), 'Zoom in'),
        button('−', () => zoomBy(2), 'Zoom out'),
        button('▶', () => panBy(0.5), 'Pan forward'),
        button('All', () => setWindow(bounds), 'All of the range'),
      ),
    ),
    status,
    charts,
    h('h3', {}, 'State changes'),
    changes,
  );
  queueMicrotask(() => void load());
  return {
    el,
    destroy: () => {
      for (const p of plots) p.destroy();
      plots = [];
    },
  };
}
