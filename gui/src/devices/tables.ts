// The device page's tables, each a grid with sort, filter and CSV: ports, addresses, routes, ARP/ND,
// FDB, LLDP/CDP, multicast. Every SNMP number is shown as its word.
import { snmpWords } from '@netspotter/shared';
import type { DeviceDetails, DevicePort } from '@netspotter/shared/api';
import { h, type Child } from '../dom.ts';
import { grid, type Column } from '../grid.ts';
import { href } from '../router.ts';
import { compareAddresses } from '@netspotter/shared';
import { ifStatus, speedWords, stateTag, vlanWords } from './words.ts';

type Row = Record<string, unknown>;
const str = (v: unknown): string =>
  v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v);
/** Table rows as recorded (objects with MIB-named fields). */
const rows = (x: object[]): Row[] => x as Row[];
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export const deviceLink = (id: string, label: string): HTMLAnchorElement =>
  h('a', { href: href('/devices', id) }, label);
export const portLink = (device: string, ifIndex: number, label: string): HTMLAnchorElement =>
  h('a', { href: href('/devices', device, 'ports', ifIndex) }, label);

const addressColumn = <T>(title: string, get: (r: T) => string): Column<T> => ({
  title,
  value: get,
  cell: (r) => h('span', { class: 'mono' }, get(r)),
  compare: (a, b) => compareAddresses(get(a), get(b)),
});

export function portsGrid(d: DeviceDetails) {
  const cols: Column<DevicePort>[] = [
    { title: 'Port', value: (p) => p.name, cell: (p) => portLink(d.id, p.ifIndex, p.name) },
    { title: 'Description', value: (p) => [p.alias, p.description].filter(Boolean).join(' · ') },
    { title: 'Type', value: (p) => snmpWords.ifType(p.type) },
    { title: 'Admin', value: (p) => ifStatus(p.adminStatus), cell: (p) => stateTag(ifStatus(p.adminStatus)) },
    { title: 'Oper', value: (p) => ifStatus(p.operStatus), cell: (p) => stateTag(ifStatus(p.operStatus)) },
    { title: 'Speed', value: (p) => p.speedMbps, cell: (p) => speedWords(p.speedMbps), numeric: true },
    { title: 'VLANs', value: (p) => vlanWords(p.vlans) },
    {
      title: 'LAG',
      value: (p) => p.lag?.name ?? (p.members ? `members ${p.members.map((m) => m.name).join(', ')}` : ''),
      cell: (p): Child =>
        p.lag
          ? ['member of ', portLink(d.id, p.lag.ifIndex, p.lag.name)]
          : p.members
            ? ['members ', ...p.members.flatMap((m, i) => [i ? ', ' : '', portLink(d.id, m.ifIndex, m.name)])]
            : '',
    },
    { title: 'STP', value: (p) => p.stp ?? '', cell: (p) => stateTag(p.stp ?? '') },
    {
      title: 'Neighbour',
      value: (p) => p.neighbours.map((n) => `${n.label}${n.port ? ` ${n.port}` : ''}`).join('; '),
      cell: (p) =>
        p.neighbours.flatMap((n, i) => [
          i ? h('br') : '',
          n.managed ? deviceLink(n.node, n.label) : h('span', {}, n.label),
          n.port ? ` ${n.port}` : '',
          h(
            'span',
            { class: 'small muted' },
            ` (${n.evidence.join('+')}${n.confirmed ? '' : ', one-sided'})`,
          ),
        ]),
    },
    { title: 'MACs seen', value: (p) => p.macs, numeric: true },
    {
      title: 'Addresses',
      value: (p) => p.addresses.join(', '),
      cell: (p) => h('span', { class: 'mono' }, p.addresses.join(', ')),
    },
  ];
  return grid('Ports', cols, d.ports, {
    csvName: `${d.sysName ?? d.id}-ports`,
    rowAttrs: (p) => ({ 'data-ifindex': String(p.ifIndex), id: `port-${p.ifIndex}` }),
    empty: 'The device reported no interfaces.',
  }).el;
}

/** ifIndex → port name, for tables that only carry the index. */
export const portNamer = (d: DeviceDetails) => {
  const names = new Map(d.ports.map((p) => [p.ifIndex, p.name]));
  return (ifIndex: unknown) =>
    typeof ifIndex === 'number' ? (names.get(ifIndex) ?? `ifIndex ${ifIndex}`) : '';
};

const portCell = (d: DeviceDetails, name: (i: unknown) => string) => (r: Row) =>
  typeof r.ifIndex === 'number' ? portLink(d.id, r.ifIndex, name(r.ifIndex)) : '';

export function addressesGrid(d: DeviceDetails) {
  const name = portNamer(d);
  return grid<Row>(
    'Addresses',
    [
      addressColumn('Address', (r) => str(r.address)),
      { title: 'Prefix length', value: (r) => num(r.prefixLength), numeric: true },
      { title: 'Family', value: (r) => (r.family === 'ipv6' ? 'IPv6' : 'IPv4') },
      { title: 'Interface', value: (r) => name(r.ifIndex), cell: portCell(d, name) },
    ],
    rows(d.addressTable),
    { csvName: `${d.sysName ?? d.id}-addresses`, empty: 'No addresses reported.' },
  ).el;
}

export function routesGrid(d: DeviceDetails) {
  const name = portNamer(d);
  return grid<Row>(
    'Routes',
    [
      addressColumn('Destination', (r) => `${str(r.destination)}/${str(r.prefixLength)}`),
      { title: 'Family', value: (r) => (str(r.destination).includes(':') ? 'IPv6' : 'IPv4') },
      addressColumn('Next hop', (r) => str(r.nextHop)),
      { title: 'Interface', value: (r) => name(r.ifIndex), cell: portCell(d, name) },
      { title: 'Protocol', value: (r) => snmpWords.routeProto(num(r.proto)) },
      { title: 'Type', value: (r) => snmpWords.routeType(num(r.type)) },
    ],
    rows(d.routes),
    { csvName: `${d.sysName ?? d.id}-routes`, empty: 'No routes reported.' },
  ).el;
}

export function neighboursGrid(d: DeviceDetails) {
  const name = portNamer(d);
  return grid<Row>(
    'ARP and ND',
    [
      addressColumn('Address', (r) => str(r.address)),
      { title: 'Family', value: (r) => (r.family === 'ipv6' ? 'IPv6 (ND)' : 'IPv4 (ARP)') },
      { title: 'MAC', value: (r) => str(r.mac), cell: (r) => macSearch(str(r.mac)) },
      { title: 'Interface', value: (r) => name(r.ifIndex), cell: portCell(d, name) },
      { title: 'State', value: (r) => snmpWords.neighbourState(num(r.state)) },
    ],
    rows([...d.ipv4Neighbors, ...d.ipv6Neighbors]),
    { csvName: `${d.sysName ?? d.id}-arp-nd`, empty: 'No ARP or neighbour-discovery entries.' },
  ).el;
}

/** A MAC that finds where it lives when clicked. */
export const macSearch = (mac: string): Child =>
  mac ? h('a', { href: `#/search?${new URLSearchParams({ q: mac })}`, class: 'mono' }, mac) : '';

export function fdbGrid(d: DeviceDetails) {
  const name = portNamer(d);
  return grid<Row>(
    'FDB',
    [
      { title: 'MAC', value: (r) => str(r.mac), cell: (r) => macSearch(str(r.mac)) },
      { title: 'VLAN', value: (r) => num(r.vlan), numeric: true },
      {
        title: 'Port',
        value: (r) =>
          r.ifIndex === undefined
            ? r.port !== undefined
              ? `bridge port ${str(r.port)}`
              : ''
            : name(r.ifIndex),
        cell: (r) =>
          typeof r.ifIndex === 'number'
            ? portLink(d.id, r.ifIndex, name(r.ifIndex))
            : r.port !== undefined
              ? `bridge port ${str(r.port)}`
              : '',
      },
      { title: 'Status', value: (r) => snmpWords.fdbStatus(num(r.status)) },
    ],
    rows(d.fdb),
    {
      csvName: `${d.sysName ?? d.id}-fdb`,
      empty: 'No forwarding-database entries.',
    },
  ).el;
}

export function lldpGrid(d: DeviceDetails) {
  return grid<Row>(
    'LLDP neighbours',
    [
      {
        title: 'Local port',
        value: (r) => str(r.localPort ?? (r.localPortNum !== undefined ? `port ${str(r.localPortNum)}` : '')),
      },
      { title: 'System name', value: (r) => str(r.sysName) },
      {
        title: 'Chassis id',
        value: (r) => str(r.chassisId),
        cell: (r) => h('span', { class: 'mono' }, str(r.chassisId)),
      },
      { title: 'Chassis id is', value: (r) => snmpWords.lldpChassisSubtype(num(r.chassisIdSubtype)) },
      { title: 'Remote port', value: (r) => str(r.portId) },
      { title: 'Remote port id is', value: (r) => snmpWords.lldpPortSubtype(num(r.portIdSubtype)) },
      { title: 'Remote port description', value: (r) => str(r.portDesc) },
      { title: 'Management addresses', value: (r) => str(r.managementAddresses) },
      { title: 'System description', value: (r) => str(r.sysDesc) },
    ],
    rows(d.lldpNeighbors),
    { csvName: `${d.sysName ?? d.id}-lldp`, empty: 'No LLDP neighbours.' },
  ).el;
}

export function cdpGrid(d: DeviceDetails) {
  return grid<Row>(
    'CDP neighbours',
    [
      { title: 'Local port', value: (r) => str(r.localPort) },
      { title: 'Device', value: (r) => str(r.deviceId) },
      { title: 'Remote port', value: (r) => str(r.devicePort) },
      addressColumn('Address', (r) => str(r.address)),
      { title: 'Platform', value: (r) => str(r.platform) },
      { title: 'Version', value: (r) => str(r.version) },
    ],
    rows(d.cdpNeighbors),
    { csvName: `${d.sysName ?? d.id}-cdp`, empty: 'No CDP neighbours.' },
  ).el;
}

export function multicastSection(d: DeviceDetails): HTMLElement {
  const name = portNamer(d);
  const listeners = rows(d.multicast.groups).flatMap((g) =>
    ((g.listeners as Row[] | undefined) ?? []).map((l) => ({ group: g.group, ...l })),
  );
  const snooping = (d.multicast.snooping as { mib?: string; vlans?: Row[] } | undefined)?.vlans ?? [];
  return h(
    'div',
    {},
    grid<Row>(
      'Multicast listeners',
      [
        addressColumn('Group', (r) => str(r.group)),
        { title: 'Port', value: (r) => name(r.ifIndex), cell: portCell(d, name) },
        { title: 'VLAN', value: (r) => num(r.vlan), numeric: true },
        { title: 'Last reporter', value: (r) => str(r.lastReporter) },
        { title: 'Sources', value: (r) => str(r.sources) },
      ],
      listeners,
      { empty: 'No listeners on this device.' },
    ).el,
    grid<Row>(
      'Multicast routes',
      [
        addressColumn('Group', (r) => `${str(r.group)}/${str(r.groupPrefixLength)}`),
        { title: 'Source', value: (r) => str(r.source ?? '*') },
        { title: 'Incoming', value: (r) => str(r.inIfName ?? name(r.inIfIndex)) },
        { title: 'Upstream', value: (r) => str(r.upstream) },
        {
          title: 'Outgoing',
          value: (r) =>
            ((r.oifs as Row[] | undefined) ?? [])
              .map(
                (o) =>
                  `${str(o.ifName ?? name(o.ifIndex))}${o.state ? ` (${snmpWords.nextHopState(num(o.state))})` : ''}`,
              )
              .join(', '),
        },
        {
          title: 'Packets',
          value: (r) => (r.pkts === undefined ? undefined : Number(r.pkts)),
          numeric: true,
        },
      ],
      rows(d.multicast.routes),
      { empty: 'No multicast routes.' },
    ).el,
    grid<Row>(
      'PIM neighbours',
      [
        addressColumn('Address', (r) => str(r.address)),
        { title: 'Interface', value: (r) => name(r.ifIndex), cell: portCell(d, name) },
      ],
      rows(d.multicast.pimNeighbors),
      { empty: 'No PIM neighbours.' },
    ).el,
    grid<Row>(
      'Snooping per VLAN',
      [
        { title: 'VLAN', value: (r) => num(r.vlan), numeric: true },
        { title: 'Snooping', value: (r) => (r.enabled ? 'on' : 'off') },
        { title: 'Querier', value: (r) => (r.selfQuerier ? 'this switch' : str(r.querier) || 'none heard') },
        {
          title: 'Router ports',
          value: (r) => ((r.routerPorts as number[] | undefined) ?? []).map(name).join(', '),
        },
      ],
      snooping,
      { empty: 'No snooping state (this vendor’s MIB is not read, or snooping is off).' },
    ).el,
  );
}
