// A small SVG line chart (time on x, one quantity on y) with axes, ticks, a legend and optional
// labelled reference lines: enough for per-second load figures, no chart library needed.
const NS = 'http://www.w3.org/2000/svg';

export interface Line {
  name: string;
  colour: string;
  values: Array<number | null>;
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  unit: string;
  x: number[];
  xLabel: string;
  lines: Line[];
  refs?: Array<{ name: string; value: number; colour: string }>;
  width?: number;
  height?: number;
}

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Round tick steps (1, 2, 5 × 10^n) covering 0..max in about `count` steps. */
export function ticks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v < max + step / 2; v += step) out.push(Number(v.toPrecision(12)));
  if (out.at(-1)! < max) out.push(Number((out.at(-1)! + step).toPrecision(12)));
  return out;
}

const fmt = (v: number) =>
  Math.abs(v) >= 10_000 ? `${Math.round(v / 1000)}k` : String(Number(v.toPrecision(3)));

export function lineChart(spec: ChartSpec): SVGSVGElement {
  const width = spec.width ?? 420;
  const height = spec.height ?? 200;
  const m = { left: 48, right: 12, top: 42, bottom: 34 };
  const values = [...spec.lines.flatMap((l) => l.values), ...(spec.refs ?? []).map((r) => r.value)].filter(
    (v): v is number => v !== null && Number.isFinite(v),
  );
  const yTicks = ticks(Math.max(0, ...values));
  const yMax = yTicks.at(-1)!;
  const xMin = spec.x[0] ?? 0;
  const xMax = Math.max(xMin + 1, spec.x.at(-1) ?? 1);
  const px = (x: number) => m.left + ((x - xMin) / (xMax - xMin)) * (width - m.left - m.right);
  const py = (y: number) => height - m.bottom - (y / yMax) * (height - m.top - m.bottom);
  const svg = el('svg', {
    class: 'line-chart',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `${spec.title} (${spec.unit}) over ${spec.xLabel}`,
  });
  svg.append(el('text', { x: m.left, y: 14, class: 'chart-title' }, `${spec.title} (${spec.unit})`));
  for (const t of yTicks) {
    svg.append(
      el('line', { x1: m.left, x2: width - m.right, y1: py(t), y2: py(t), class: 'grid' }),
      el('text', { x: m.left - 6, y: py(t) + 4, class: 'tick y' }, fmt(t)),
    );
  }
  // Whole seconds only: a tick at 0.5 s would claim a resolution the per-second figures do not have.
  for (const t of ticks(xMax - xMin, 6)
    .map((v) => v + xMin)
    .filter((v) => v <= xMax && Number.isInteger(v)))
    svg.append(el('text', { x: px(t), y: height - m.bottom + 14, class: 'tick x' }, fmt(t)));
  svg.append(el('text', { x: width - m.right, y: height - 4, class: 'axis-label' }, spec.xLabel));
  for (const r of spec.refs ?? []) {
    svg.append(
      el('line', {
        x1: m.left,
        x2: width - m.right,
        y1: py(r.value),
        y2: py(r.value),
        class: 'ref',
        stroke: r.colour,
      }),
      el(
        'text',
        { x: width - m.right - 2, y: py(r.value) - 3, class: 'ref-label', fill: r.colour },
        `${r.name} ${fmt(r.value)}`,
      ),
    );
  }
  for (const line of spec.lines) {
    // Gaps (seconds without a value) break the line rather than drawing through zero.
    let d = '';
    let pen = false;
    line.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return void (pen = false);
      d += `${pen ? 'L' : 'M'}${px(spec.x[i]!).toFixed(1)},${py(v).toFixed(1)}`;
      pen = true;
    });
    svg.append(el('path', { d, class: `series${line.dashed ? ' dashed' : ''}`, stroke: line.colour }));
  }
  let lx = m.left + 4;
  for (const line of spec.lines) {
    svg.append(
      el('line', {
        x1: lx,
        x2: lx + 14,
        y1: 27,
        y2: 27,
        stroke: line.colour,
        class: `legend-key${line.dashed ? ' dashed' : ''}`,
      }),
      el('text', { x: lx + 18, y: 31, class: 'legend' }, line.name),
    );
    lx += 26 + line.name.length * 6.2;
  }
  return svg;
}
