// Topology: a discovery snapshot's layer drawn with cytoscape, search, node details, diff, export.
import type {
  SearchHit,
  SnapshotMeta as Snapshot,
  TopologyDiff,
  TopologyResponse,
} from '@netspotter/shared/api';
import { api, RequestError } from '../api.ts';
import { fill, h, when } from '../dom.ts';
import type { View } from '../router.ts';
import type { TopologyCanvas } from '../topology/canvas.ts';
import { deviceDetail, objectTable } from '../topology/detail.ts';
import { mergeForDiff } from '../topology/diff.ts';
import { matchNodes, type Graph, type Positions } from '../topology/graph.ts';
import { testedNodes } from '../topology/tested-agents.ts';

const positionsKey = (layer: string) => `netspotter.positions.${layer}`;
const loadPositions = (layer: string): Positions => {
  try {
    return JSON.parse(localStorage.getItem(positionsKey(layer)) ?? '{}') as Positions;
  } catch {
    return {};
  }
};

function download(name: string, blob: Blob): void {
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export const topologyView: View = {
  path: '/topology',
  title: 'Topology',
  minRole: 'viewer',
  async render(root) {
    let snapshots: Snapshot[];
    try {
      snapshots = await api<Snapshot[]>('GET', '/api/snapshots?limit=200', undefined, { quiet: [404] });
    } catch (err) {
      if (err instanceof RequestError && err.status === 404) {
        root.append(
          h(
            'p',
            { class: 'empty' },
            'This server has no discovery API (GET /api/snapshots), so there is no topology to draw.',
          ),
        );
      }
      return;
    }
    if (snapshots.length === 0) {
      root.append(
        h(
          'p',
          { class: 'empty' },
          'No discovery snapshots yet: create a discovery task under Tasks and run it.',
        ),
      );
      return;
    }
    const label = (s: Snapshot) =>
      `${when(s.takenAt)}${s.summary ? ` — ${s.summary.devices ?? 0} devices` : ''}`;
    const snapPick = h(
      'select',
      { id: 'snap' },
      ...snapshots.map((s) => h('option', { value: s.id }, label(s))),
    );
    const diffPick = h(
      'select',
      { id: 'diff' },
      h('option', { value: '' }, '— no diff —'),
      ...snapshots.map((s) => h('option', { value: s.id }, label(s))),
    );
    const layerPick = h(
      'select',
      { id: 'layer' },
      h('option', { value: 'l2' }, 'L2'),
      h('option', { value: 'l3' }, 'L3'),
      h('option', { value: 'multicast' }, 'Multicast'),
    );
    const group = h('input', {
      type: 'text',
      id: 'group',
      placeholder: 'ff3e::1 (all groups when empty)',
      class: 'mono',
    });
    const search = h('input', { type: 'search', id: 'search', placeholder: 'name, address or MAC' });
    const hits = h('ul', { class: 'hits', 'aria-live': 'polite' });
    const box = h('div', { class: 'cy', 'data-testid': 'topology-canvas' });
    const detail = h('aside', { class: 'detail', 'aria-live': 'polite' });
    const legend = h('p', { class: 'small legend' });
    const report = h('section', { class: 'report', 'aria-label': 'Run report' });
    let canvas: TopologyCanvas | undefined;
    let graph: Graph | undefined;

    const showDevice = async (id: string | undefined) => {
      if (!id) return fill(detail);
      try {
        const r = await api<{ device: Record<string, unknown> }>(
          'GET',
          `/api/devices/${encodeURIComponent(id)}?snapshot=${snapPick.value}`,
          undefined,
          { quiet: [404] },
        );
        fill(detail, deviceDetail(r.device));
      } catch {
        const n = graph?.nodes.find((x) => x.id === id);
        fill(
          detail,
          h('h3', {}, n?.label ?? id),
          h(
            'p',
            {},
            n?.managed === false ? 'Not polled: an unmanaged neighbour.' : 'No details for this node.',
          ),
        );
      }
    };

    const showReport = async () => {
      const r = await api<{ unreachable: { target: string; reason: string }[] }>(
        'GET',
        `/api/snapshots/${snapPick.value}/report`,
      ).catch(() => undefined);
      fill(report, r && r.unreachable.length ? objectTable('Unreachable targets', r.unreachable) : null);
    };

    const draw = async () => {
      const layer = layerPick.value;
      const q = new URLSearchParams({
        layer,
        snapshot: snapPick.value,
        ...(layer === 'multicast' && group.value.trim() && { group: group.value.trim() }),
      });
      const newer = await api<TopologyResponse>('GET', `/api/topology?${q}`);
      let shown: Graph = newer;
      let marks = new Map<string, string>();
      if (diffPick.value && diffPick.value !== snapPick.value) {
        const [older, diff] = await Promise.all([
          api<TopologyResponse>(
            'GET',
            `/api/topology?${new URLSearchParams({ layer, snapshot: diffPick.value })}`,
          ),
          api<TopologyDiff>(
            'GET',
            `/api/snapshots/diff?${new URLSearchParams({ from: diffPick.value, to: snapPick.value })}`,
          ),
        ]);
        ({ graph: shown, marks } = mergeForDiff(older, newer, diff));
      }
      graph = shown;
      void showReport();
      const tested =
        layer === 'multicast'
          ? await testedNodes(shown, group.value, snapPick.value).catch(() => new Map<string, string[]>())
          : new Map<string, string[]>();
      canvas?.destroy();
      // cytoscape is most of the bundle: loaded with the first drawing, not with the app.
      const { topologyCanvas } = await import('../topology/canvas.ts');
      canvas = topologyCanvas(box, shown, {
        positions: loadPositions(layer),
        tested: new Set(tested.keys()),
        onSelect: (id) => void showDevice(id),
        onMoved: (p) =>
          localStorage.setItem(positionsKey(layer), JSON.stringify({ ...loadPositions(layer), ...p })),
      });
      for (const [id, mark] of marks) canvas.cy.getElementById(id).addClass(mark);
      const listening = shown.nodes.filter((n) => n.listeners).length;
      legend.textContent = `${shown.nodes.length} nodes, ${shown.edges.length} links · shapes: router ●, switch ▢, host ■, agent ★, unmanaged ◆${marks.size ? ' · green added, red removed, blue changed' : ''}${
        shown.edges.some((e) => e.blocked)
          ? ' · grey dashed: blocked by spanning tree (hover for the port)'
          : ''
      }${
        layer === 'multicast'
          ? ` · amber ring: listeners (${listening} nodes) · violet halo: agents that took part in tests (${
              [...tested.entries()]
                .map(
                  ([id, names]) =>
                    `${names.join(', ')} on ${shown.nodes.find((n) => n.id === id)?.label ?? id}`,
                )
                .join('; ') || 'none'
            })`
          : ''
      }`;
    };

    const find = async () => {
      const text = search.value.trim();
      if (!text || !graph) return fill(hits);
      const local = matchNodes(graph, text).map((n) => n.id);
      const query = new URLSearchParams({ q: text, snapshot: snapPick.value });
      const remote = await api<{ hits: SearchHit[] }>('GET', `/api/search?${query}`).then(
        (r) => r.hits,
        () => [] as SearchHit[],
      );
      const ids = [...new Set([...local, ...remote.map((r) => r.device)])];
      canvas?.focus(ids);
      fill(
        hits,
        ...remote.map((r) =>
          h(
            'li',
            {},
            h('button', { type: 'button', class: 'link', onclick: () => canvas?.focus([r.device]) }, r.label),
            ` ${r.kind}: ${r.matched}${r.ifName ? ` on ${r.ifName}` : ''}`,
          ),
        ),
        ids.length === 0 ? h('li', {}, 'nothing found') : null,
      );
      if (ids.length === 1) await showDevice(ids[0]);
    };

    const redraw = () => void draw().catch(() => undefined);
    for (const el of [snapPick, diffPick, layerPick]) el.addEventListener('change', redraw);
    group.addEventListener('change', redraw);
    search.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') void find();
    });
    const exportJson = () =>
      graph &&
      download('topology.json', new Blob([JSON.stringify(graph, null, 2)], { type: 'application/json' }));
    root.append(
      h(
        'div',
        { class: 'toolbar' },
        h('label', { for: 'snap' }, 'Snapshot '),
        snapPick,
        h('label', { for: 'layer' }, 'Layer '),
        layerPick,
        h('label', { for: 'group' }, 'Group '),
        group,
        h('label', { for: 'diff' }, 'Compare with '),
        diffPick,
        h('label', { for: 'search' }, 'Find '),
        search,
        h('button', { type: 'button', onclick: () => void find() }, 'Find'),
        h(
          'button',
          { type: 'button', onclick: () => canvas && download('topology.png', canvas.png()) },
          'Export PNG',
        ),
        h('button', { type: 'button', onclick: exportJson }, 'Export JSON'),
      ),
      legend,
      hits,
      h('div', { class: 'topology' }, box, detail),
      report,
    );
    await draw().catch(() => undefined);
    return () => canvas?.destroy();
  },
};
