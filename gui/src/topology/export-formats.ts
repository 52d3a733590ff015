// The drawn map as files other tools open: SVG (with the colour key and a caption), GraphML (yEd,
// Gephi) and draw.io. Pure: from the nodes as placed on the canvas and the links between them.
import type { NodeRole } from '@netspotter/shared/api';
import { PALETTE, type KeyEntry } from './map-key.ts';

export interface PlacedNode {
  id: string;
  label: string;
  role: NodeRole;
  managed: boolean;
  x: number;
  y: number;
}
export interface PlacedEdge {
  id: string;
  source: string;
  target: string;
  label: string;
  dashed?: boolean;
  colour?: string;
  width?: number;
}
export interface Drawing {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
const R = 11;
const colourOf = (n: { role: NodeRole; managed: boolean }) =>
  n.managed ? PALETTE[n.role] : PALETTE.unmanaged;

/** One node's shape as SVG, centred on (x, y). */
function shape(role: NodeRole, x: number, y: number, fill: string, dashed = false, r = R): string {
  const stroke = `stroke="#333" stroke-width="1"${dashed ? ' stroke-dasharray="3 2"' : ''}`;
  const poly = (pts: Array<[number, number]>) =>
    `<polygon points="${pts.map(([a, b]) => `${(x + a).toFixed(1)},${(y + b).toFixed(1)}`).join(' ')}" fill="${fill}" ${stroke}/>`;
  switch (role) {
    case 'router':
      return `<circle cx="${x}" cy="${y}" r="${r}" fill="${fill}" ${stroke}/>`;
    case 'switch':
      return `<rect x="${x - r}" y="${y - r}" width="${2 * r}" height="${2 * r}" rx="4" fill="${fill}" ${stroke}/>`;
    case 'host':
      return `<rect x="${x - r * 0.75}" y="${y - r * 0.75}" width="${1.5 * r}" height="${1.5 * r}" fill="${fill}" ${stroke}/>`;
    case 'unmanaged':
      return poly([
        [0, -r],
        [r, 0],
        [0, r],
        [-r, 0],
      ]);
    case 'segment':
      return poly(
        [0, 1, 2, 3, 4, 5].map(
          (i) => [r * Math.cos((Math.PI / 3) * i), r * Math.sin((Math.PI / 3) * i)] as [number, number],
        ),
      );
    case 'agent':
      return poly(
        Array.from({ length: 10 }, (_, i) => {
          const a = -Math.PI / 2 + (Math.PI / 5) * i;
          const d = i % 2 ? r * 0.45 : r;
          return [d * Math.cos(a), d * Math.sin(a)] as [number, number];
        }),
      );
  }
}

/** SVG of the map with its key below and a caption (what it shows, when). */
export function toSvg(d: Drawing, key: KeyEntry[], caption: string): string {
  const xs = d.nodes.map((n) => n.x);
  const ys = d.nodes.map((n) => n.y);
  const pad = 60;
  const [minX, minY] = [Math.min(0, ...xs) - pad, Math.min(0, ...ys) - pad];
  const mapW = Math.max(...xs, 0) + pad - minX;
  const mapH = Math.max(...ys, 0) + pad - minY;
  const width = Math.max(mapW, 480);
  const keyTop = mapH + 10;
  const height = keyTop + 24 + key.length * 20 + 10;
  const at = new Map(d.nodes.map((n) => [n.id, n]));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height.toFixed(0)}" viewBox="${minX.toFixed(1)} ${minY.toFixed(1)} ${width.toFixed(1)} ${height.toFixed(1)}" font-family="sans-serif">`,
    `<rect x="${minX}" y="${minY}" width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  for (const e of d.edges) {
    const a = at.get(e.source);
    const b = at.get(e.target);
    if (!a || !b) continue;
    out.push(
      `<line x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" stroke="${e.colour ?? PALETTE.link}" stroke-width="${e.width ?? 1.5}"${e.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    if (e.label)
      out.push(
        `<text x="${((a.x + b.x) / 2).toFixed(1)}" y="${((a.y + b.y) / 2 - 3).toFixed(1)}" font-size="8" fill="#444" text-anchor="middle">${esc(e.label)}</text>`,
      );
  }
  for (const n of d.nodes) {
    out.push(
      `<g data-id="${esc(n.id)}">${shape(n.managed ? n.role : 'unmanaged', n.x, n.y, colourOf(n), !n.managed)}<text x="${n.x}" y="${n.y + R + 11}" font-size="10" text-anchor="middle" fill="#111">${esc(n.label)}</text></g>`,
    );
  }
  const kx = minX + 12;
  const ky = minY + keyTop;
  out.push(`<text x="${kx}" y="${ky + 12}" font-size="11" fill="#111">${esc(caption)}</text>`);
  key.forEach((k, i) => {
    const y = ky + 32 + i * 20;
    out.push(
      k.kind === 'edge'
        ? `<line x1="${kx}" y1="${y}" x2="${kx + 24}" y2="${y}" stroke="${k.colour}" stroke-width="${k.width ?? 2}"${k.dashed ? ' stroke-dasharray="5 3"' : ''}/>`
        : k.ring
          ? `<circle cx="${kx + 12}" cy="${y}" r="7" fill="none" stroke="${k.colour}" stroke-width="3"/>`
          : shape(k.role ?? 'router', kx + 12, y, k.colour, k.dashed, 7),
      `<text x="${kx + 34}" y="${y + 4}" font-size="11" fill="#111">${esc(k.label)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

/** GraphML with labels, roles, positions and port labels as data keys (yEd and Gephi read these). */
export function toGraphml(d: Drawing): string {
  const keys = [
    ['label', 'node', 'string'],
    ['role', 'node', 'string'],
    ['managed', 'node', 'boolean'],
    ['x', 'node', 'double'],
    ['y', 'node', 'double'],
    ['elabel', 'edge', 'string'],
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ...keys.map(
      ([id, on, type]) =>
        `  <key id="${id}" for="${on}" attr.name="${id === 'elabel' ? 'label' : id}" attr.type="${type}"/>`,
    ),
    '  <graph id="netspotter" edgedefault="undirected">',
    ...d.nodes.map(
      (n) =>
        `    <node id="${esc(n.id)}"><data key="label">${esc(n.label)}</data><data key="role">${n.role}</data><data key="managed">${n.managed}</data><data key="x">${n.x}</data><data key="y">${n.y}</data></node>`,
    ),
    ...d.edges.map(
      (e) =>
        `    <edge id="${esc(e.id)}" source="${esc(e.source)}" target="${esc(e.target)}"><data key="elabel">${esc(e.label)}</data></edge>`,
    ),
    '  </graph>',
    '</graphml>',
    '',
  ].join('\n');
}

const DRAWIO_SHAPE: Record<NodeRole, string> = {
  router: 'ellipse',
  switch: 'rounded=1',
  host: 'rounded=0',
  agent: 'shape=mxgraph.basic.star',
  unmanaged: 'rhombus;dashed=1',
  segment: 'shape=hexagon',
};

/** An uncompressed draw.io (diagrams.net) file: one vertex per node where it was drawn, one edge per link. */
export function toDrawio(d: Drawing, title: string): string {
  const cells = [
    '<mxCell id="0"/>',
    '<mxCell id="1" parent="0"/>',
    ...d.nodes.map(
      (n, i) =>
        `<mxCell id="n${i}" value="${esc(n.label)}" style="${DRAWIO_SHAPE[n.managed ? n.role : 'unmanaged']};whiteSpace=wrap;html=0;fillColor=${colourOf(n)};verticalLabelPosition=bottom;verticalAlign=top;labelPosition=center;align=center;fontColor=#111111;" vertex="1" parent="1"><mxGeometry x="${(n.x - R).toFixed(1)}" y="${(n.y - R).toFixed(1)}" width="${2 * R}" height="${2 * R}" as="geometry"/></mxCell>`,
    ),
  ];
  const index = new Map(d.nodes.map((n, i) => [n.id, `n${i}`]));
  d.edges.forEach((e, i) => {
    const [s, t] = [index.get(e.source), index.get(e.target)];
    if (!s || !t) return;
    cells.push(
      `<mxCell id="e${i}" value="${esc(e.label)}" style="endArrow=none;html=0;fontSize=8;strokeColor=${e.colour ?? PALETTE.link};strokeWidth=${e.width ?? 1.5};${e.dashed ? 'dashed=1;' : ''}" edge="1" parent="1" source="${s}" target="${t}"><mxGeometry relative="1" as="geometry"/></mxCell>`,
    );
  });
  return `<mxfile host="netspotter"><diagram name="${esc(title)}"><mxGraphModel><root>${cells.join('')}</root></mxGraphModel></diagram></mxfile>\n`;
}
