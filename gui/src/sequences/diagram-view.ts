// The sequence diagram in SVG: lifelines for the participants and the network, one row per step.
// Rows are focusable; a click or Enter selects, dragging a row (or Alt+↑/↓) moves the step in time,
// Delete removes it. Editing gestures are only wired when the user may edit.
import { dropIndex, layoutDiagram, type DiagramRow } from './diagram-layout.ts';
import type { SequenceDoc } from './document.ts';

const NS = 'http://www.w3.org/2000/svg';
const LEFT = 44;
const LANE = 180;
const HEAD = 46;
const ROW = 44;

type SvgAttrs = Record<string, string | number | undefined>;
function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: SvgAttrs = {},
  ...children: Array<SVGElement | string>
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

export interface DiagramEvents {
  select(key: number): void;
  move(from: number, to: number): void;
  remove(key: number): void;
}

export interface DiagramOptions {
  selected?: number;
  /** Steps with an error, by key. */
  invalid: Set<number>;
  editable: boolean;
}

const laneX = (i: number) => LEFT + LANE / 2 + i * LANE;
const EMPTY_HINT = 'No steps yet: add one with the buttons above.';
/** The hint's width at the diagram's 12.5 px, by a generous 0.62 em a character: the SVG clips beyond its width. */
const EMPTY_HINT_WIDTH = Math.ceil(EMPTY_HINT.length * 12.5 * 0.62);

export function drawDiagram(doc: SequenceDoc, opts: DiagramOptions, on: DiagramEvents): SVGSVGElement {
  const layout = layoutDiagram(doc);
  const lanesWidth = LEFT + layout.lanes.length * LANE;
  const width = layout.rows.length ? lanesWidth : Math.max(lanesWidth, LEFT + 8 + EMPTY_HINT_WIDTH + 8);
  const height = HEAD + Math.max(1, layout.rows.length) * ROW + 16;
  const svg = s('svg', {
    class: 'seq-diagram',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    // A list of steps; with none yet, a picture (an empty list role is not allowed).
    role: layout.rows.length ? 'list' : 'img',
    'aria-label': layout.rows.length
      ? 'Sequence diagram: steps in time order'
      : 'Sequence diagram: no steps yet',
  });
  svg.append(
    s(
      'defs',
      {},
      s(
        'marker',
        {
          id: 'seq-arrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 8,
          markerHeight: 8,
          orient: 'auto',
        },
        s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }),
      ),
    ),
  );
  layout.lanes.forEach((name, i) => {
    const net = i === layout.network;
    svg.append(
      s('line', {
        x1: laneX(i),
        x2: laneX(i),
        y1: HEAD - 6,
        y2: height - 4,
        class: net ? 'lifeline net' : 'lifeline',
      }),
      s('rect', {
        x: laneX(i) - 62,
        y: 6,
        width: 124,
        height: 28,
        rx: net ? 14 : 5,
        class: net ? 'lane-head net' : 'lane-head',
      }),
      s('text', { x: laneX(i), y: 25, class: 'lane-name' }, net ? 'network' : name),
    );
  });
  if (layout.rows.length === 0)
    svg.append(s('text', { x: LEFT + 8, y: HEAD + 26, class: 'diagram-empty' }, EMPTY_HINT));

  const indicator = s('line', {
    x1: 4,
    x2: width - 4,
    y1: 0,
    y2: 0,
    class: 'drop-line',
    visibility: 'hidden',
  });
  layout.rows.forEach((row, index) =>
    svg.append(rowGroup(row, index, layout.lanes.length, opts, on, svg, indicator)),
  );
  svg.append(indicator);
  return svg;
}

function rowShape(row: DiagramRow, y: number, laneCount: number): SVGElement[] {
  const mid = y + ROW / 2;
  switch (row.shape) {
    case 'arrow': {
      const [x1, x2] = [laneX(row.from), laneX(row.to)];
      const dir = Math.sign(x2 - x1);
      return [
        s('line', {
          x1: x1 + dir * 4,
          x2: x2 - dir * 4,
          y1: mid + 6,
          y2: mid + 6,
          class: `arrow ${row.style}`,
          'marker-end': 'url(#seq-arrow)',
        }),
        s('text', { x: (x1 + x2) / 2, y: mid - 1, class: 'arrow-label' }, row.label),
        ...(row.style === 'none'
          ? [s('text', { x: x2 - dir * 16, y: mid + 11, class: 'none-mark' }, '✕')]
          : []),
      ];
    }
    case 'box': {
      const xs = row.lanes.map(laneX);
      const x = Math.min(...xs) - 60;
      const w = Math.max(...xs) - Math.min(...xs) + 120;
      return [
        s('rect', { x, y: y + 8, width: w, height: ROW - 16, rx: 4, class: 'wait-box' }),
        s('text', { x: x + w / 2, y: mid + 4, class: 'box-label' }, row.label),
      ];
    }
    case 'bar':
      return [
        s('line', {
          x1: laneX(0) - 50,
          x2: laneX(laneCount - 1) + 50,
          y1: mid + 6,
          y2: mid + 6,
          class: 'barrier',
        }),
        s('text', { x: (laneX(0) + laneX(laneCount - 1)) / 2, y: mid - 1, class: 'arrow-label' }, row.label),
      ];
  }
}

function rowGroup(
  row: DiagramRow,
  index: number,
  laneCount: number,
  opts: DiagramOptions,
  on: DiagramEvents,
  svg: SVGSVGElement,
  indicator: SVGLineElement,
): SVGGElement {
  const y = HEAD + index * ROW;
  const invalid = opts.invalid.has(row.key) || row.orphan;
  const g = s(
    'g',
    {
      class: `row${opts.selected === row.key ? ' selected' : ''}${invalid ? ' invalid' : ''}`,
      tabindex: 0,
      role: 'listitem',
      'data-key': row.key,
      'data-index': index,
      'aria-label': `Step ${index + 1}: ${row.label}${invalid ? ' (has a problem)' : ''}`,
      ...(opts.selected === row.key && { 'aria-current': 'step' }),
    },
    s('rect', {
      x: 2,
      y: y + 1,
      width: LEFT + laneCount * LANE - 4,
      height: ROW - 2,
      rx: 4,
      class: 'row-bg',
    }),
    s('circle', { cx: 20, cy: y + ROW / 2, r: 11, class: 'step-no' }),
    s('text', { x: 20, y: y + ROW / 2 + 4, class: 'step-no-text' }, String(index + 1)),
    ...rowShape(row, y, laneCount),
  );
  g.addEventListener('keydown', (ev) => {
    const rows = [...svg.querySelectorAll<SVGGElement>('g.row')];
    if (ev.key === 'Enter' || ev.key === ' ') on.select(row.key);
    else if (ev.key === 'ArrowDown' && !ev.altKey) rows[index + 1]?.focus();
    else if (ev.key === 'ArrowUp' && !ev.altKey) rows[index - 1]?.focus();
    else if (opts.editable && ev.altKey && ev.key === 'ArrowUp' && index > 0) on.move(index, index - 1);
    else if (opts.editable && ev.altKey && ev.key === 'ArrowDown' && index < rows.length - 1)
      on.move(index, index + 1);
    else if (opts.editable && ev.key === 'Delete') on.remove(row.key);
    else return;
    ev.preventDefault();
  });
  let start: { y: number; top: number } | undefined;
  let dragging = false;
  g.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    start = { y: ev.clientY, top: svg.getBoundingClientRect().top };
    dragging = false;
    if (opts.editable) g.setPointerCapture(ev.pointerId);
  });
  g.addEventListener('pointermove', (ev) => {
    if (!start || !opts.editable) return;
    if (!dragging && Math.abs(ev.clientY - start.y) < 5) return;
    dragging = true;
    g.classList.add('dragging');
    const to = dropIndex(ev.clientY - start.top, HEAD, ROW, svg.querySelectorAll('g.row').length);
    const lineY = HEAD + (to > index ? to + 1 : to) * ROW;
    indicator.setAttribute('y1', String(lineY));
    indicator.setAttribute('y2', String(lineY));
    indicator.setAttribute('visibility', 'visible');
  });
  g.addEventListener('pointerup', (ev) => {
    if (!start) return;
    const top = start.top;
    start = undefined;
    indicator.setAttribute('visibility', 'hidden');
    g.classList.remove('dragging');
    if (!dragging) return on.select(row.key);
    const to = dropIndex(ev.clientY - top, HEAD, ROW, svg.querySelectorAll('g.row').length);
    if (to !== index) on.move(index, to);
  });
  return g;
}
