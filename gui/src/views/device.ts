// Devices: the list of a snapshot's polled devices, and one device's page (`#/devices/ID`, a port's
// `#/devices/ID/ports/IFINDEX`): identity, ports, addresses, routes, ARP/ND, FDB, LLDP/CDP, multicast
// and history. The browser's back button returns to where the user came from.
import { uptimeWords, compareAddresses } from '@netspotter/shared';
import type { DeviceDetails, SnapshotMeta, TopologyResponse } from '@netspotter/shared/api';
import { api, RequestError } from '../api.ts';
import { fill, h, when, type Child } from '../dom.ts';
import { grid } from '../grid.ts';
import { routeQuery, type View } from '../router.ts';
import {
  addressesGrid,
  cdpGrid,
  deviceLink,
  fdbGrid,
  lldpGrid,
  multicastSection,
  neighboursGrid,
  portsGrid,
  routesGrid,
} from '../devices/tables.ts';
import { portPanel } from '../devices/port-panel.ts';
import { historySection } from '../devices/history.ts';

export const devicesView: View = {
  path: '/devices',
  title: 'Devices',
  minRole: 'viewer',
  async render(root, rest) {
    const [id, sub, ifIndex] = rest;
    if (!id) return deviceList(root);
    return devicePage(root, id, sub === 'ports' && ifIndex !== undefined ? Number(ifIndex) : undefined);
  },
};

export function backButton(): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'back',
      // A page opened from a link goes back there; one opened directly goes to the map.
      onclick: () => (history.length > 1 ? history.back() : (location.hash = '#/topology')),
    },
    '← Back',
  );
}

async function deviceList(root: HTMLElement): Promise<void> {
  const snapshot = routeQuery().get('snapshot') ?? undefined;
  const q = new URLSearchParams({ layer: 'l2', ...(snapshot && { snapshot }) });
  const t = await api<TopologyResponse>('GET', `/api/topology?${q}`, undefined, { quiet: [404] }).catch(
    (err) => {
      if (err instanceof RequestError && err.status === 404)
        root.append(
          h(
            'p',
            { class: 'empty' },
            'No discovery yet: select targets under Targets and press “Discover now”.',
          ),
        );
      return undefined;
    },
  );
  if (!t) return;
  const devices = t.nodes.filter((n) => n.managed);
  root.append(
    h('p', { class: 'small' }, `Snapshot of ${when(t.snapshot.takenAt)}: ${devices.length} polled devices.`),
    grid(
      'Devices',
      [
        { title: 'Name', value: (n) => n.label, cell: (n) => deviceLink(n.id, n.label) },
        { title: 'Role', value: (n) => n.role },
        { title: 'Vendor', value: (n) => n.vendor ?? '' },
        {
          title: 'Addresses',
          value: (n) => n.addresses.join(', '),
          compare: (a, b) => compareAddresses(a.addresses[0] ?? '', b.addresses[0] ?? ''),
          cell: (n) => h('span', { class: 'mono' }, n.addresses.join(', ')),
        },
      ],
      devices,
      { csvName: 'devices' },
    ).el,
  );
}

/** Who reached the device in its report rows: "server", or an agent's name. */
const pollers = (report: object[]) => [
  ...new Set(report.flatMap((r) => ('poller' in r && typeof r.poller === 'string' ? [r.poller] : []))),
];

function identity(d: DeviceDetails, snapshot: SnapshotMeta): HTMLElement {
  const s = d.system;
  const item = (label: string, value: Child) =>
    value === undefined || value === '' || value === null ? [] : [h('dt', {}, label), h('dd', {}, value)];
  return h(
    'section',
    { class: 'panel identity', 'aria-labelledby': 'identity-h' },
    h('h2', { id: 'identity-h' }, 'Identity'),
    h(
      'dl',
      { class: 'facts' },
      item('System name', s.sysName ?? d.sysName),
      item('Description', s.sysDescr),
      item('Location', s.sysLocation),
      item('Uptime', s.sysUpTime !== undefined ? `${uptimeWords(s.sysUpTime)} (at discovery)` : undefined),
      item('Vendor', d.vendor),
      item('Model', d.model),
      item('Role', d.role),
      item('Chassis id', d.chassisId && h('span', { class: 'mono' }, d.chassisId)),
      item('Object id', s.sysObjectID && h('span', { class: 'mono' }, s.sysObjectID)),
      item('Addresses', h('span', { class: 'mono' }, [...d.addresses].sort(compareAddresses).join(', '))),
      item('Polled as', d.targets.join(', ')),
      // "server", or the remote poller (an agent of the target's site) that reached it.
      item('Polled by', pollers(d.report).join(', ')),
      item('Snapshot', [
        when(snapshot.takenAt),
        ' · ',
        h(
          'a',
          { href: `#/topology?${new URLSearchParams({ snapshot: snapshot.id, node: d.id })}` },
          'show on the map',
        ),
      ]),
    ),
  );
}

const section = (id: string, title: string, ...children: Child[]) =>
  h('section', { class: 'device-section', 'aria-labelledby': id }, h('h2', { id }, title), ...children);

async function devicePage(root: HTMLElement, id: string, ifIndex: number | undefined): Promise<void> {
  const snapshot = routeQuery().get('snapshot') ?? undefined;
  const q = new URLSearchParams({ fdbLimit: '100000', ...(snapshot && { snapshot }) });
  root.append(backButton());
  let r: { snapshot: SnapshotMeta; device: DeviceDetails };
  try {
    r = await api('GET', `/api/devices/${encodeURIComponent(id)}?${q}`, undefined, { quiet: [404] });
  } catch (err) {
    if (err instanceof RequestError && err.status === 404)
      root.append(
        h(
          'p',
          { class: 'empty' },
          `No device “${id}” in this snapshot: it was not polled, or it is an unmanaged neighbour.`,
        ),
      );
    return;
  }
  const d = r.device;
  const title = d.sysName ?? d.id;
  document.title = `${title} — Netspotter`;
  root
    .closest('main')
    ?.querySelector('h1')
    ?.replaceChildren(
      title,
      h('span', { class: 'subtitle' }, ` ${d.role}${d.vendor ? ` · ${d.vendor}` : ''}`),
    );
  const port = ifIndex !== undefined ? d.ports.find((p) => p.ifIndex === ifIndex) : undefined;
  const up = d.ports.filter((p) => p.operStatus === 1).length;
  const body = h('div', { class: 'device-page', 'data-testid': 'device-page' });
  root.append(body);
  fill(
    body,
    port
      ? portPanel(d, port, r.snapshot)
      : ifIndex !== undefined
        ? h('p', { class: 'empty' }, `No port with ifIndex ${ifIndex} on ${title}.`)
        : null,
    identity(d, r.snapshot),
    section('ports-h', `Ports (${d.ports.length}, ${up} up)`, portsGrid(d)),
    section('addresses-h', 'Addresses', addressesGrid(d)),
    section('routes-h', 'Routes', routesGrid(d)),
    section('arp-h', 'ARP and neighbour discovery', neighboursGrid(d)),
    section('fdb-h', `Forwarding database (${d.fdbTotal} entries)`, fdbGrid(d)),
    section('lldp-h', 'LLDP and CDP neighbours', lldpGrid(d), cdpGrid(d)),
    section('mcast-h', 'Multicast', multicastSection(d)),
    section('report-h', 'Discovery report', reportList(d)),
    historySection(d.id, port?.ifIndex),
  );
  if (port) document.getElementById('port-panel')?.focus();
}

function reportList(d: DeviceDetails): Child {
  const issues = d.report.flatMap((t) =>
    ((t as { issues?: { table: string; reason: string }[] }).issues ?? []).map((i) => ({
      target: String((t as { target?: string }).target ?? ''),
      ...i,
    })),
  );
  const statuses = d.report.map(
    (t) => `${String((t as { target?: string }).target)}: ${String((t as { status?: string }).status)}`,
  );
  return [
    h('p', {}, statuses.join(' · ') || 'No report.'),
    issues.length
      ? h('ul', { class: 'issues-list' }, ...issues.map((i) => h('li', {}, `${i.table}: ${i.reason}`)))
      : h('p', { class: 'small' }, 'Every table answered.'),
  ];
}
