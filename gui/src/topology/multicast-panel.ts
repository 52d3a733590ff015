// The multicast layer's side of the topology screen: the groups known from every source (picked from a
// list, nothing typed), why the layer is empty when it is, and for the picked group its trees — each
// router's RPF interface and (S,G)/(*,G) state with counters — the monitored receivers and where the
// expected and actual trees differ. The map marks the routers and ports the differences name.
import type {
  MulticastGroupsResponse,
  MulticastTreeResponse,
  GroupEntry,
  RouterState,
  TreeDifference,
} from '@netspotter/shared/api';
import { api } from '../api.ts';
import { append, dataTable, fill, h, when } from '../dom.ts';
import { grid } from '../grid.ts';

export interface MulticastPanel {
  el: HTMLElement;
  /** Reads the snapshot's groups and, when one is picked, its tree. */
  load(snapshot: string, picked: { group: string; source?: string } | undefined): Promise<void>;
  /** Devices the picked group's differences name, for the map. */
  marked(): Map<string, string>;
}

const DIFFERENCE_WORDS: Record<TreeDifference['kind'], string> = {
  'expected-not-served': 'expected, not served',
  'branch-serving-nobody': 'branch serving nobody',
  'oif-missing': 'router state lacks the oif',
  'snooping-port-without-listener': 'snooping port without listener entry',
};

const port = (p: { ifName?: string; ifIndex: number } | undefined) =>
  p ? (p.ifName ?? `ifIndex ${p.ifIndex}`) : '—';

function routersTable(routers: RouterState[]): HTMLElement {
  return dataTable(
    'Router state',
    ['Router', 'Entry', 'RPF interface', 'Upstream', 'Outgoing interfaces', 'Packets', 'Octets', 'Seen'],
    routers.map((r) =>
      h(
        'tr',
        { 'data-router': r.device },
        h('td', {}, r.label),
        h('td', { class: 'mono' }, r.entry === '(S,G)' ? `(${r.source}, G)` : '(*, G)'),
        h('td', {}, port(r.rpf)),
        h('td', { class: 'mono' }, r.rpf?.upstreamDevice ?? r.rpf?.upstream ?? '—'),
        h('td', {}, r.oifs.map((o) => port(o)).join(', ') || 'none'),
        h('td', { class: 'num' }, r.pkts ?? '—'),
        h('td', { class: 'num' }, r.octets ?? '—'),
        h('td', {}, when(r.seenAt)),
      ),
    ),
  );
}

function treeSection(t: MulticastTreeResponse): HTMLElement {
  const section = h(
    'section',
    { class: 'mc-tree', 'aria-labelledby': 'mc-tree-h', 'data-testid': 'multicast-tree' },
    h('h3', { id: 'mc-tree-h' }, `Distribution of (${t.flow.source ?? '*'}, ${t.flow.group})`),
  );
  if (t.trees.length === 0)
    section.append(
      h(
        'p',
        { class: 'empty' },
        'No distribution tree for this group in the snapshot: no router routes it and no snooping switch names its source.',
      ),
    );
  for (const tree of t.trees) {
    const hops = tree.edges.map(
      (e) =>
        `${e.from.device} ${e.from.ifName ?? e.from.ifIndex ?? ''} → ${e.to.device ?? 'listeners'} ${e.to.ifName ?? e.to.ifIndex ?? ''}${e.to.listeners ? ` (${e.to.listeners} listener${e.to.listeners > 1 ? 's' : ''})` : ''}`,
    );
    append(section, [
      h(
        'h4',
        {},
        `${tree.source ? `(${tree.source}, ${tree.group})` : `(*, ${tree.group})`}${tree.vlan !== undefined ? ` · VLAN ${tree.vlan}` : ''}`,
      ),
      routersTable(tree.routers),
      h(
        'p',
        { class: 'small' },
        'Distribution tree (source → routers → snooping switches → listener ports):',
      ),
      h('ol', { class: 'mc-edges' }, ...hops.map((x) => h('li', { class: 'mono' }, x))),
      tree.switches.length
        ? h(
            'p',
            { class: 'small' },
            `Snooping switches: ${tree.switches.map((s) => `${s.label}${s.vlan !== undefined ? ` (VLAN ${s.vlan}, mrouter ports ${s.routerPorts.map((p) => port(p)).join(', ') || 'none'})` : ''}`).join('; ')}`,
          )
        : null,
      h(
        'p',
        { class: 'small' },
        `Listener ports: ${tree.listenerPorts.map((l) => `${l.device} ${port(l)}`).join(', ') || 'none'}`,
      ),
    ]);
  }
  section.append(
    h('h4', {}, 'Receivers getting beacons (actual tree)'),
    t.receivers.length
      ? dataTable(
          'Monitored receivers',
          ['Receiver', 'State', 'Served', 'Placed on', 'Expected path'],
          t.receivers.map((r) =>
            h(
              'tr',
              { 'data-receiver': r.name },
              h('td', {}, r.name),
              h('td', {}, r.state),
              h('td', {}, r.served ? 'yes' : 'no'),
              h(
                'td',
                {},
                r.placed
                  ? `${r.placed.device}${r.placed.ifName ? ` ${r.placed.ifName}` : ''} (${r.placed.evidence})`
                  : 'not placed: no FDB, ARP/ND or LLDP evidence of its MAC or addresses',
              ),
              h(
                'td',
                { class: 'mono' },
                r.path?.hops
                  .map((x) => `${x.device} [${port(x.in)}→${x.out.map((o) => port(o)).join(',')}]`)
                  .join(' → ') ||
                  r.path?.reason ||
                  '—',
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'No running monitor has this group: the actual tree is unknown.'),
    h('h4', {}, 'Expected vs actual'),
    t.differences.length
      ? h(
          'ul',
          { class: 'mc-differences', 'aria-label': 'Differences' },
          ...t.differences.map((d) =>
            h('li', { 'data-kind': d.kind }, h('strong', {}, DIFFERENCE_WORDS[d.kind]), `: ${d.message}`),
          ),
        )
      : h(
          'p',
          { class: 'small', 'data-testid': 'no-differences' },
          'No differences between the expected tree and the receivers served.',
        ),
  );
  return section;
}

function layerReason(r: MulticastGroupsResponse): HTMLElement | null {
  if (!r.layer.empty) return null;
  return h(
    'details',
    { class: 'mc-empty', open: true },
    h('summary', {}, `The multicast layer is empty: ${r.layer.empty}`),
    r.layer.devices.length
      ? dataTable(
          'What each device answered',
          ['Device', ...(r.layer.devices[0]?.tables.map((t) => t.table) ?? [])],
          r.layer.devices.map((d) =>
            h(
              'tr',
              {},
              h('td', {}, d.label),
              ...d.tables.map((t) =>
                h(
                  'td',
                  {},
                  t.outcome === 'rows'
                    ? `${t.rows} rows`
                    : t.outcome === 'none'
                      ? 'no rows (not supported or empty)'
                      : `error: ${t.reason}`,
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

export function multicastPanel(onPick: (g: { group: string; source?: string }) => void): MulticastPanel {
  const el = h('section', { class: 'mc-panel', 'aria-label': 'Multicast flows' });
  let marks = new Map<string, string>();
  const pickButton = (g: GroupEntry, source?: string) =>
    h(
      'button',
      {
        type: 'button',
        class: 'link mono',
        'data-group': g.group,
        ...(source && { 'data-source': source }),
        onclick: () => onPick({ group: g.group, ...(source && { source }) }),
      },
      source ? `(${source}, ${g.group})` : g.group,
    );
  return {
    el,
    marked: () => marks,
    async load(snapshot, picked) {
      const groups = await api<MulticastGroupsResponse>(
        'GET',
        `/api/multicast/groups?${new URLSearchParams({ snapshot })}`,
      );
      // No "group" or "layer" in labels: the toolbar's fields are found by theirs.
      const list = grid(
        'Known flows',
        [
          { title: 'Group', value: (g) => g.group, cell: (g) => pickButton(g) },
          {
            title: 'Sources',
            value: (g) => g.sources.join(' '),
            cell: (g) => h('span', {}, ...g.sources.flatMap((s) => [pickButton(g, s), ' '])),
          },
          { title: 'Listeners', value: (g) => g.counts.listeners, numeric: true },
          { title: 'Routes', value: (g) => g.counts.routes, numeric: true },
          { title: 'Monitors', value: (g) => g.counts.monitors, numeric: true },
          { title: 'Tests', value: (g) => g.counts.tests, numeric: true },
        ],
        groups.groups,
        { csvName: 'multicast-groups' },
      );
      marks = new Map();
      let tree: HTMLElement | null = null;
      if (picked) {
        const q = new URLSearchParams({
          snapshot,
          group: picked.group,
          ...(picked.source && { source: picked.source }),
        });
        const t = await api<MulticastTreeResponse>('GET', `/api/multicast/tree?${q}`).catch(() => undefined);
        if (t) {
          for (const d of t.differences) if (d.device) marks.set(d.device, DIFFERENCE_WORDS[d.kind]);
          tree = treeSection(t);
        }
      }
      fill(
        el,
        h('h3', {}, 'Groups'),
        layerReason(groups),
        groups.groups.length
          ? list.el
          : h('p', { class: 'empty' }, 'No groups known from listeners, routes, monitors or tests.'),
        tree,
      );
    },
  };
}
