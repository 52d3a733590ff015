// Topology: a discovery snapshot's layer drawn with cytoscape, search, node details, diff, export.
// What is shown (snapshot, layer, group, comparison, selected node) lives in the URL, so a link or a
// reload shows the same map; where the user placed nodes is stored per user on the server.
import type {
  DeviceDetails,
  SearchHit,
  SnapshotMeta as Snapshot,
  TopologyDiff,
  TopologyResponse,
} from '@netspotter/shared/api';
import { api, RequestError } from '../api.ts';
import { count, fill, h, when } from '../dom.ts';
import { replaceQuery, routeQuery, type View } from '../router.ts';
import { downloadBlob } from '../download.ts';
import { mapKey, type KeyEntry } from '../topology/map-key.ts';
import type { TopologyCanvas } from '../topology/canvas.ts';
import { deviceDetail } from '../topology/detail.ts';
import { grid } from '../grid.ts';
import { mergeForDiff, type DiffMark } from '../topology/diff.ts';
import { diffLines } from '../topology/diff-text.ts';
import { matchNodes, type Graph, type Positions } from '../topology/graph.ts';
import { testedNodes } from '../topology/tested-agents.ts';
import { multicastPanel } from '../topology/multicast-panel.ts';
import { monitorPicker } from '../topology/monitor-picker.ts';
import { GROUP_BY, isGroupBy } from '../topology/group-by.ts';

/** Where this user placed the nodes of each layer: read once per layer, saved a moment after a move. */
function positionStore() {
  const known = new Map<string, Positions>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    async get(layer: string): Promise<Positions> {
      if (!known.has(layer))
        known.set(layer, await api<Positions>('GET', `/api/map/positions/${layer}`).catch(() => ({})));
      return known.get(layer)!;
    },
    moved(layer: string, p: Positions) {
      known.set(layer, { ...known.get(layer), ...p });
      clearTimeout(timer);
      timer = setTimeout(
        () => void api('PUT', `/api/map/positions/${layer}`, known.get(layer)).catch(() => undefined),
        400,
      );
    },
  };
}

/** The key as a list beside the map: a small drawing of each mark and what it means. */
function keyList(entries: KeyEntry[]): HTMLElement {
  const ns = 'http://www.w3.org/2000/svg';
  return h(
    'ul',
    { class: 'map-key', 'aria-label': 'Colour key' },
    ...entries.map((k) => {
      const svg = document.createElementNS(ns, 'svg');
      svg.setAttribute('width', '26');
      svg.setAttribute('height', '14');
      svg.setAttribute('aria-hidden', 'true');
      const tag =
        k.kind === 'edge'
          ? 'line'
          : k.role === 'switch' || k.role === 'host'
            ? 'rect'
            : k.role === 'unmanaged'
              ? 'polygon'
              : 'circle';
      const mark = document.createElementNS(ns, tag);
      const attrs: Record<string, string> =
        k.kind === 'edge'
          ? {
              x1: '1',
              y1: '7',
              x2: '25',
              y2: '7',
              stroke: k.colour,
              'stroke-width': String(k.width ?? 2),
              ...(k.dashed && { 'stroke-dasharray': '5 3' }),
            }
          : tag === 'rect'
            ? {
                x: '7',
                y: '1',
                width: '12',
                height: '12',
                rx: k.role === 'switch' ? '3' : '0',
                fill: k.colour,
              }
            : tag === 'polygon'
              ? { points: '13,0 20,7 13,14 6,7', fill: k.colour }
              : {
                  cx: '13',
                  cy: '7',
                  r: '6',
                  ...(k.ring
                    ? { fill: 'none', stroke: k.colour, 'stroke-width': '2.5' }
                    : { fill: k.colour }),
                };
      for (const [a, v] of Object.entries(attrs)) mark.setAttribute(a, v);
      if (k.kind === 'node' && k.dashed) mark.setAttribute('stroke', '#555');
      svg.append(mark);
      return h('li', {}, svg as unknown as HTMLElement, k.label);
    }),
  );
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
      `${when(s.takenAt)}${s.summary ? ` — ${count(s.summary.devices ?? 0, 'device')}` : ''}`;
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
      placeholder: 'all groups',
      class: 'mono',
    });
    const search = h('input', { type: 'search', id: 'search', placeholder: 'name, address or MAC' });
    const groupBy = h('select', { id: 'group-by' }, ...GROUP_BY.map((g) => h('option', { value: g }, g)));
    const initial = routeQuery();
    const pickIf = (el: HTMLSelectElement | HTMLInputElement, value: string | null) => {
      if (value && (el instanceof HTMLInputElement || [...el.options].some((o) => o.value === value)))
        el.value = value;
    };
    pickIf(snapPick, initial.get('snapshot'));
    pickIf(layerPick, initial.get('layer'));
    pickIf(diffPick, initial.get('diff'));
    pickIf(group, initial.get('group'));
    pickIf(groupBy, initial.get('groupBy'));
    // Boxes the user closed and neighbour bundles opened (each differs from its default).
    let folds = new Set((initial.get('fold') ?? '').split(',').filter(Boolean));
    let selected = initial.get('node') ?? undefined;
    // The source of the (S,G) picked from the groups list (the group is in the group field).
    let source = initial.get('source') ?? undefined;
    const keepState = () =>
      replaceQuery({
        snapshot: snapPick.value,
        layer: layerPick.value,
        group: layerPick.value === 'multicast' ? group.value.trim() : undefined,
        source: layerPick.value === 'multicast' && group.value.trim() ? source : undefined,
        diff: diffPick.value,
        node: selected,
        monitor: monitor.select.value,
        groupBy: groupBy.value === 'none' ? undefined : groupBy.value,
        fold: folds.size ? [...folds].join(',') : undefined,
      });
    const positions = positionStore();
    const keyBox = h('div', { class: 'map-key-box' });
    let key: KeyEntry[] = [];
    const hits = h('ul', { class: 'hits', 'aria-live': 'polite' });
    const box = h('div', { class: 'cy', 'data-testid': 'topology-canvas' });
    const detail = h('aside', { class: 'detail', 'aria-live': 'polite' });
    const legend = h('p', { class: 'small legend' });
    const report = h('section', { class: 'report', 'aria-label': 'Run report' });
    let canvas: TopologyCanvas | undefined;
    let graph: Graph | undefined;
    const groups = multicastPanel((picked) => {
      group.value = picked.group;
      source = picked.source;
      redraw();
    });
    const monitor = monitorPicker(initial.get('monitor'), () => ({
      ...(canvas && { canvas }),
      ...(graph && { graph }),
      snapshot: snapPick.value,
    }));

    const showDevice = async (id: string | undefined) => {
      selected = id;
      keepState();
      if (!id) return fill(detail);
      try {
        const r = await api<{ device: DeviceDetails; snapshot: Snapshot }>(
          'GET',
          `/api/devices/${encodeURIComponent(id)}?snapshot=${snapPick.value}`,
          undefined,
          { quiet: [404] },
        );
        fill(detail, deviceDetail(r.device, r.snapshot.id));
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
      fill(
        report,
        r && r.unreachable.length
          ? grid(
              'Unreachable targets',
              [
                {
                  title: 'Target',
                  value: (u) => u.target,
                  cell: (u) => h('span', { class: 'mono' }, u.target),
                },
                { title: 'Reason', value: (u) => u.reason },
              ],
              r.unreachable,
            ).el
          : null,
      );
    };

    // The diff as text beside the colours: one line per change, each showing its elements on the map.
    const changes = h('section', { class: 'diff-list', 'aria-label': 'Changes' });
    const showChanges = (diff: TopologyDiff, g: Graph) => {
      const names = new Map(g.nodes.map((n) => [n.id, n.label]));
      const lines = diffLines(diff, names);
      fill(
        changes,
        h('h3', {}, lines.length ? count(lines.length, 'change') : 'No changes between these snapshots'),
        h(
          'ul',
          {},
          ...lines.map((l) =>
            h(
              'li',
              { class: `diff-${l.kind.replace(' ', '-')}` },
              h('span', { class: 'diff-kind' }, l.kind),
              ' ',
              h('button', { type: 'button', class: 'link', onclick: () => canvas?.focus(l.ids) }, l.text),
            ),
          ),
        ),
      );
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
      let marks = new Map<string, DiffMark[]>();
      fill(changes);
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
        showChanges(diff, shown);
      }
      graph = shown;
      void showReport();
      const tested =
        layer === 'multicast'
          ? await testedNodes(shown, group.value, snapPick.value).catch(() => new Map<string, string[]>())
          : new Map<string, string[]>();
      groups.el.hidden = layer !== 'multicast';
      if (layer === 'multicast') {
        const g = group.value.trim();
        await groups
          .load(snapPick.value, g ? { group: g, ...(source && { source }) } : undefined)
          .catch(() => undefined);
      }
      canvas?.destroy();
      // cytoscape is most of the bundle: loaded with the first drawing, not with the app.
      const [{ topologyCanvas }, { groupGraph }, placed] = await Promise.all([
        import('../topology/canvas.ts'),
        import('../topology/grouping.ts'),
        positions.get(layer),
      ]);
      keepState();
      const by = isGroupBy(groupBy.value) ? groupBy.value : 'none';
      canvas = topologyCanvas(box, shown, {
        positions: placed,
        tested: new Set(tested.keys()),
        onSelect: (id) => void showDevice(id),
        // A grouped map is placed by its grid: moves there are not stored as the layer's places.
        ...(by === 'none'
          ? { onMoved: (p: Positions) => positions.moved(layer, p) }
          : {
              grouped: groupGraph(shown, by, folds),
              onToggle: (id: string) => {
                folds = new Set(folds);
                if (!folds.delete(id)) folds.add(id);
                redraw();
              },
            }),
      });
      for (const [id, mark] of marks) canvas.cy.getElementById(id).addClass(mark.join(' '));
      // Devices where the picked group's expected and actual trees differ.
      if (layer === 'multicast')
        for (const [id] of groups.marked()) canvas.cy.getElementById(id).addClass('tree-differs');
      if (selected && canvas.cy.getElementById(selected).nonempty()) {
        canvas.cy.getElementById(selected).select();
        void showDevice(selected);
      } else if (selected) void showDevice(undefined);
      const present = new Set(
        [...marks.values()].flat().map((m) => (m.startsWith('changed-') ? 'changed-end' : m)),
      );
      key = mapKey(shown, {
        diff: present,
        multicast: layer === 'multicast',
        ...(by !== 'none' && { groupedBy: by }),
      });
      void monitor.refresh().catch(() => undefined);
      fill(keyBox, keyList(key));
      const listening = shown.nodes.filter((n) => n.listeners).length;
      legend.textContent = `${shown.nodes.length} nodes, ${shown.edges.length} links${
        by === 'none'
          ? ''
          : ` · grouped by ${by}: click a box to close or open it, an “N neighbours” node to show them`
      }${
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
            })${
              groups.marked().size
                ? ` · red border: expected and actual trees differ (${[...groups.marked()]
                    .map(([id, why]) => `${shown.nodes.find((n) => n.id === id)?.label ?? id}: ${why}`)
                    .join('; ')})`
                : ''
            }`
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
    const caption = () => {
      const snap = snapshots.find((x) => x.id === snapPick.value);
      const diff = snapshots.find((x) => x.id === diffPick.value);
      return `Netspotter · ${layerPick.selectedOptions[0]?.text ?? layerPick.value} · snapshot of ${snap ? when(snap.takenAt) : '?'}${
        diff && diff !== snap ? ` compared with ${when(diff.takenAt)}` : ''
      } · exported ${new Date().toLocaleString()}`;
    };
    const fileName = (ext: string) =>
      `topology-${layerPick.value}-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.${ext}`;
    const exportAs = async (kind: 'png' | 'svg' | 'graphml' | 'drawio' | 'json') => {
      if (!canvas || !graph) return;
      // The writers load with the first export, not with the app.
      const [{ toDrawio, toGraphml, toSvg }, { pngWithKey }] = await Promise.all([
        import('../topology/export-formats.ts'),
        import('../topology/export-png.ts'),
      ]);
      const text = (body: string, type: string) => new Blob([body], { type });
      const files = {
        png: async () => pngWithKey(canvas!.png(), key, caption()),
        svg: async () => text(toSvg(canvas!.drawing(), key, caption()), 'image/svg+xml'),
        graphml: async () => text(toGraphml(canvas!.drawing()), 'application/graphml+xml'),
        drawio: async () => text(toDrawio(canvas!.drawing(), caption()), 'application/xml'),
        json: async () => text(JSON.stringify(graph, null, 2), 'application/json'),
      };
      downloadBlob(fileName(kind), await files[kind]());
    };
    const button = (label: string, onclick: () => void, extra: Record<string, string> = {}) =>
      h('button', { type: 'button', onclick, ...extra }, label);
    for (const el of [snapPick, diffPick, layerPick]) el.addEventListener('change', redraw);
    groupBy.addEventListener('change', () => {
      folds = new Set();
      redraw();
    });
    group.addEventListener('change', () => {
      source = undefined;
      redraw();
    });
    monitor.select.addEventListener('change', keepState);
    search.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') void find();
    });
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
        h('label', { for: 'group-by' }, 'Group by '),
        groupBy,
        h('label', { for: 'diff' }, 'Compare with '),
        diffPick,
        h('label', { for: 'search' }, 'Find '),
        search,
        h('button', { type: 'button', onclick: () => void find() }, 'Find'),
        monitor.label,
        monitor.select,
      ),
      h(
        'div',
        { class: 'toolbar map-tools' },
        h(
          'span',
          { class: 'zoom', role: 'group', 'aria-label': 'Zoom' },
          button('+', () => canvas?.zoomBy(1.25), { 'aria-label': 'Zoom in', title: 'Zoom in' }),
          button('−', () => canvas?.zoomBy(0.8), { 'aria-label': 'Zoom out', title: 'Zoom out' }),
          button('Fit', () => canvas?.fit(), { title: 'Show the whole map' }),
        ),
        h(
          'span',
          { class: 'exports', role: 'group', 'aria-label': 'Export' },
          'Export ',
          button('PNG', () => void exportAs('png'), { 'aria-label': 'Export PNG' }),
          button('SVG', () => void exportAs('svg'), { 'aria-label': 'Export SVG' }),
          button('GraphML', () => void exportAs('graphml'), { 'aria-label': 'Export GraphML' }),
          button('draw.io', () => void exportAs('drawio'), { 'aria-label': 'Export draw.io' }),
          button('JSON', () => void exportAs('json'), { 'aria-label': 'Export JSON' }),
        ),
      ),
      legend,
      monitor.note,
      hits,
      changes,
      h('div', { class: 'topology' }, box, h('div', { class: 'map-side' }, keyBox, detail)),
      groups.el,
      report,
    );
    await draw().catch(() => undefined);
    return () => {
      monitor.stop();
      canvas?.destroy();
    };
  },
};
