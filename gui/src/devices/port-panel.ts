// One port of a device (`#/devices/ID/ports/IFINDEX`): what the ports table says about it in full,
// and the MACs learned on it.
import { snmpWords } from '@netspotter/shared';
import type { DeviceDetails, DevicePort, SnapshotMeta } from '@netspotter/shared/api';
import { h, when } from '../dom.ts';
import { grid } from '../grid.ts';
import { deviceLink, macSearch, portLink } from './tables.ts';
import { ifStatus, speedWords, stateTag, vlanWords } from './words.ts';

export function portPanel(d: DeviceDetails, p: DevicePort, snapshot: SnapshotMeta): HTMLElement {
  const fdb = d.fdb.filter((r) => (r as { ifIndex?: number }).ifIndex === p.ifIndex) as Array<{
    mac: string;
    vlan?: number;
    status?: number;
  }>;
  const item = (label: string, ...value: Array<Node | string>) =>
    value.length && value.some((v) => v !== '') ? [h('dt', {}, label), h('dd', {}, ...value)] : [];
  return h(
    'section',
    {
      class: 'panel port-panel',
      id: 'port-panel',
      tabindex: '-1',
      'aria-labelledby': 'port-h',
      'data-testid': 'port-panel',
    },
    h('h2', { id: 'port-h' }, `Port ${p.name}`),
    h(
      'dl',
      { class: 'facts' },
      item('Description', [p.alias, p.description].filter(Boolean).join(' · ')),
      item('Type', snmpWords.ifType(p.type)),
      item('Admin / oper', stateTag(ifStatus(p.adminStatus)), ' ', stateTag(ifStatus(p.operStatus))),
      item('Speed', speedWords(p.speedMbps)),
      item('MAC', p.mac ?? ''),
      item('VLANs', vlanWords(p.vlans)),
      ...(p.lag ? [item('LAG', 'member of ', portLink(d.id, p.lag.ifIndex, p.lag.name))] : []),
      ...(p.members
        ? [
            item(
              'LAG members',
              ...p.members.flatMap((m, i) => [i ? ', ' : '', portLink(d.id, m.ifIndex, m.name)]),
            ),
          ]
        : []),
      item('Spanning tree', stateTag(p.stp ?? '')),
      ...p.neighbours.map((n) =>
        item(
          'Neighbour',
          n.managed
            ? n.ifIndex !== undefined
              ? portLink(n.node, n.ifIndex, `${n.label} ${n.port ?? ''}`)
              : deviceLink(n.node, n.label)
            : `${n.label} ${n.port ?? ''}`,
          ` (${n.evidence.join(', ')})`,
        ),
      ),
      item('Addresses', p.addresses.join(', ')),
      item('Seen', `snapshot of ${when(snapshot.takenAt)}`),
    ),
    grid(
      `MACs learned on ${p.name}`,
      [
        { title: 'MAC', value: (r) => r.mac, cell: (r) => macSearch(r.mac) },
        { title: 'VLAN', value: (r) => r.vlan, numeric: true },
        { title: 'Status', value: (r) => snmpWords.fdbStatus(r.status) },
      ],
      fdb,
      { empty: 'No MACs learned on this port.' },
    ).el,
  );
}
