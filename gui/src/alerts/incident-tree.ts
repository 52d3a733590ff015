// The group's distribution tree as it stood when an incident's alert fired, one row per branch, with the
// hops the localisation suspects marked in words (not only colour) and a link that opens the tree on the
// map with the suspected device selected.
import type { GroupTree, Incident } from '@netspotter/shared/api';
import { dataTable, h, when } from '../dom.ts';
import { href } from '../router.ts';

type Suspect = NonNullable<Incident['localisation']>['suspects'][number];
type End = GroupTree['edges'][number]['from'];

/** Device names as the tree's routers and switches label them (suspects may name either). */
function labels(t: GroupTree): Map<string, string> {
  return new Map([...t.routers, ...t.switches].map((x) => [x.device, x.label]));
}

const portOf = (e: End) => e.ifName ?? (e.ifIndex !== undefined ? `ifIndex ${e.ifIndex}` : '—');

/** The suspect at this end of a branch: the out point of its upstream end or the in point of its downstream end. */
export function suspectAt(
  end: End,
  point: Suspect['point'],
  suspects: Suspect[],
  label: Map<string, string>,
): Suspect | undefined {
  if (!end.device) return undefined;
  const names = [end.device, label.get(end.device)];
  return suspects.find(
    (s) => s.point === point && names.includes(s.device) && (!s.interface || s.interface === end.ifName),
  );
}

function treeTable(t: GroupTree, suspects: Suspect[]): HTMLElement {
  const label = labels(t);
  const name = (e: End) => (e.device ? (label.get(e.device) ?? e.device) : 'listeners');
  const flow = `(${t.source ?? '*'}, ${t.group})${t.vlan !== undefined ? ` VLAN ${t.vlan}` : ''}`;
  const rows = t.edges.map((e) => {
    const s = suspectAt(e.from, 'out', suspects, label) ?? suspectAt(e.to, 'in', suspects, label);
    return h(
      'tr',
      s ? { class: 'suspect', 'data-suspect': `${s.device} ${s.interface ?? ''} ${s.point}` } : {},
      h('td', {}, name(e.from)),
      h('td', {}, portOf(e.from)),
      h('td', {}, name(e.to)),
      h('td', {}, portOf(e.to)),
      h('td', {}, e.to.listeners !== undefined ? String(e.to.listeners) : '—'),
      h(
        'td',
        {},
        s
          ? `suspected: forwarding stops ${s.point === 'out' ? 'out of' : 'into'} this port (${Math.round(s.confidence * 100)} %)`
          : '',
      ),
    );
  });
  return h(
    'div',
    {},
    h('h4', {}, flow),
    dataTable(`Tree ${flow}`, ['From', 'Port', 'To', 'Port', 'Listeners', 'Localisation'], rows),
  );
}

export function incidentTree(i: Incident): HTMLElement {
  if (!i.tree) return h('p', {}, 'No distribution tree of the group in the newest snapshot.');
  const suspects = i.localisation?.suspects ?? [];
  const first = i.tree.trees[0];
  const node = suspects[0]?.device;
  const query = new URLSearchParams({ layer: 'multicast' });
  if (first) query.set('group', first.group);
  if (first?.source) query.set('source', first.source);
  if (node) {
    const ids = first ? [...labels(first)].find(([, l]) => l === node)?.[0] : undefined;
    query.set('node', ids ?? node);
  }
  return h(
    'div',
    {},
    h(
      'p',
      {},
      `From the snapshot taken ${when(i.tree.snapshotTakenAt)}. `,
      h('a', { href: `${href('/topology')}?${query}` }, 'Show on the map'),
    ),
    ...i.tree.trees.map((t) => treeTable(t, suspects)),
  );
}
