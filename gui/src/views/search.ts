// Search (`#/search?q=…`, the header's box, `/` to focus): devices by name, address or chassis MAC;
// ports by name or description; where a MAC or address lives — each result a link to its device or port.
import type { SearchHit, SnapshotMeta } from '@netspotter/shared/api';
import { api, RequestError } from '../api.ts';
import { h, when, type Child } from '../dom.ts';
import { routeQuery, type View } from '../router.ts';
import { deviceLink, portLink } from '../devices/tables.ts';

const KIND: Record<SearchHit['kind'], string> = {
  device: 'Device',
  port: 'Port',
  host: 'Where it lives',
  unmanaged: 'Neighbour (not polled)',
};

function place(hit: SearchHit): Child {
  if (!hit.device) return 'no switch learned it';
  const dev = deviceLink(hit.device, hit.deviceLabel ?? hit.label);
  if (hit.ifIndex === undefined) return dev;
  return [dev, ' ', portLink(hit.device, hit.ifIndex, hit.ifName ?? `ifIndex ${hit.ifIndex}`)];
}

function hostLine(hit: SearchHit): Child {
  const where = hit.edge
    ? ['on edge port ', place(hit)]
    : hit.device
      ? [
          'behind uplink ',
          place(hit),
          hit.towards
            ? [
                ' towards ',
                deviceLink(hit.towards.device, hit.towards.label),
                ' (which did not learn it: its own MAC, or beyond it)',
              ]
            : ' (no switch beyond it learned it)',
        ]
      : 'no switch learned it (only an ARP/ND entry)';
  return [
    h('strong', { class: 'mono' }, hit.mac ?? hit.label),
    hit.addresses?.length
      ? [' ↔ ', h('span', { class: 'mono' }, hit.addresses.join(', ')), ' (ARP/ND)']
      : ' (no ARP/ND entry)',
    h('br'),
    where,
    hit.vlan !== undefined ? `, VLAN ${hit.vlan}` : '',
    hit.macsOnPort ? `, ${hit.macsOnPort} MAC(s) on that port` : '',
    hit.path && hit.path.length > 1
      ? h(
          'div',
          { class: 'small' },
          'Followed: ',
          hit.path.map((p, i) => [i ? ' → ' : '', `${p.label} ${p.ifName ?? ''}`]),
        )
      : null,
    hit.seenAt ? h('div', { class: 'small' }, `Seen in the snapshot of ${when(hit.seenAt)}`) : null,
  ];
}

function hitItem(hit: SearchHit): HTMLElement {
  const body: Child =
    hit.kind === 'host'
      ? hostLine(hit)
      : hit.kind === 'unmanaged'
        ? [
            h('strong', {}, hit.label),
            hit.addresses?.length ? ` ${hit.addresses.join(', ')}` : '',
            ' — seen by its neighbours, not polled',
          ]
        : hit.kind === 'port'
          ? place(hit)
          : [
              deviceLink(hit.device, hit.label),
              hit.ifName ? [' ', portLink(hit.device, hit.ifIndex!, hit.ifName)] : '',
              hit.mac ? h('span', { class: 'mono' }, ` ${hit.mac}`) : '',
            ];
  return h(
    'li',
    { class: `hit hit-${hit.kind}`, 'data-kind': hit.kind },
    h('span', { class: 'tag' }, KIND[hit.kind]),
    ' ',
    body,
    h('span', { class: 'small muted' }, ` — matched by ${hit.matched}`),
  );
}

export const searchView: View = {
  path: '/search',
  title: 'Search',
  minRole: 'viewer',
  hidden: true,
  async render(root) {
    const q = routeQuery().get('q')?.trim() ?? '';
    const box = document.getElementById('global-search') as HTMLInputElement | null;
    if (box) box.value = q;
    root.append(
      h(
        'p',
        { class: 'hint' },
        'Find a device by name, address or chassis MAC; a port by name or description; where a MAC (any notation: 00:16:c8:bd:4d:80, 0016.c8bd.4d80, 00-16-c8-bd-4d-80, 0016c8bd4d80) or an IP address lives.',
      ),
    );
    if (!q) return;
    let r: { snapshot: SnapshotMeta; hits: SearchHit[] };
    try {
      r = await api('GET', `/api/search?${new URLSearchParams({ q })}`, undefined, { quiet: [404] });
    } catch (err) {
      if (err instanceof RequestError && err.status === 404)
        root.append(
          h(
            'p',
            { class: 'empty' },
            'Nothing to search yet: run a discovery first (Targets → Discover now).',
          ),
        );
      return;
    }
    root.append(
      h(
        'p',
        { class: 'small' },
        `In the snapshot of ${when(r.snapshot.takenAt)}: ${r.hits.length} result(s) for “${q}”.`,
      ),
      r.hits.length
        ? h(
            'ul',
            { class: 'search-hits', 'aria-label': 'Search results', 'data-testid': 'search-hits' },
            ...r.hits.map(hitItem),
          )
        : h('p', { class: 'empty', 'data-testid': 'search-empty' }, `Nothing found for “${q}”.`),
    );
  },
};
