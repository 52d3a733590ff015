// A device's detail tables (interfaces, addresses, neighbours, FDB, multicast) from GET /api/devices/:id.
import { h, type Child } from '../dom.ts';

const text = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** A table of objects, columns from the keys the rows have (first 8), or nothing when empty. */
export function objectTable(title: string, rows: unknown[], total?: number): Child {
  if (!Array.isArray(rows) || rows.length === 0) return null;
  const objects = rows.map((r) =>
    typeof r === 'object' && r !== null ? (r as Record<string, unknown>) : { value: r },
  );
  const cols = [...new Set(objects.flatMap((o) => Object.keys(o)))].slice(0, 8);
  return h(
    'details',
    { open: rows.length <= 20 },
    h('summary', {}, `${title} (${total ?? rows.length})`),
    h(
      'table',
      { 'aria-label': title, class: 'small' },
      h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', {}, c)))),
      h('tbody', {}, ...objects.map((o) => h('tr', {}, ...cols.map((c) => h('td', {}, text(o[c])))))),
    ),
  );
}

export function deviceDetail(d: Record<string, unknown>): HTMLElement {
  const arr = (k: string) => (Array.isArray(d[k]) ? (d[k] as unknown[]) : []);
  const mc = (d.multicast ?? {}) as Record<string, unknown[]>;
  return h(
    'div',
    { class: 'device-detail', 'data-testid': 'device-detail' },
    h('h3', {}, text(d.sysName ?? d.id)),
    h(
      'dl',
      {},
      ...(['role', 'vendor', 'sysObjectID', 'chassisId'] as const).flatMap((k) =>
        d[k] ? [h('dt', {}, k), h('dd', {}, text(d[k]))] : [],
      ),
      h('dt', {}, 'addresses'),
      h('dd', { class: 'mono' }, arr('addresses').join(', ')),
    ),
    objectTable('Interfaces', arr('interfaces')),
    objectTable('Addresses', arr('addressTable')),
    objectTable('LLDP neighbours', arr('lldpNeighbors')),
    objectTable('CDP neighbours', arr('cdpNeighbors')),
    objectTable('Links', arr('links')),
    objectTable('FDB', arr('fdb'), typeof d.fdbTotal === 'number' ? d.fdbTotal : undefined),
    objectTable('IPv6 neighbours', arr('ipv6Neighbors')),
    objectTable('Hosts behind ports', arr('hosts')),
    objectTable('Multicast groups', mc.groups ?? []),
    objectTable('Multicast routes', mc.routes ?? []),
    objectTable('PIM neighbours', mc.pimNeighbors ?? []),
  );
}
