// The map's selection panel: what a node is (role, vendor, model, addresses) and its ports that matter
// on a map — neighbours, link aggregation, spanning tree state, VLANs — in words, with a link to the
// device's full page. No raw JSON: everything else is on the device page.
import { compareAddresses } from '@netspotter/shared';
import type { DeviceDetails, DevicePort } from '@netspotter/shared/api';
import { h } from '../dom.ts';
import { grid, type Column } from '../grid.ts';
import { href } from '../router.ts';
import { deviceLink, portLink } from '../devices/tables.ts';
import { ifStatus, stateTag, vlanWords } from '../devices/words.ts';

/** Ports worth seeing on a map: those with a neighbour, in or of a LAG, or not forwarding. */
const onTheMap = (p: DevicePort) =>
  p.neighbours.length > 0 || p.lag || p.members || (p.stp && p.stp !== 'forwarding');

export function deviceDetail(d: DeviceDetails, snapshotId: string): HTMLElement {
  const facts: Array<[string, string | undefined]> = [
    ['Role', d.role],
    ['Vendor', d.vendor],
    ['Model', d.model],
    ['Location', d.system.sysLocation],
    ['Addresses', [...d.addresses].sort(compareAddresses).join(', ')],
  ];
  const ports = d.ports.filter(onTheMap);
  return h(
    'div',
    { class: 'device-detail', 'data-testid': 'device-detail' },
    h('h3', {}, d.sysName ?? d.id),
    h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => (v ? [h('dt', {}, k), h('dd', {}, v)] : []))),
    h(
      'p',
      {},
      h(
        'a',
        { href: `${href('/devices', d.id)}?${new URLSearchParams({ snapshot: snapshotId })}` },
        'Open the device page',
      ),
      ` · ${d.ports.length} ports, ${d.ports.filter((p) => p.operStatus === 1).length} up`,
    ),
    grid<DevicePort>(
      'Linked ports',
      // Only the columns some port fills: the panel is narrow.
      (
        [
          { title: 'Port', value: (p) => p.name, cell: (p) => portLink(d.id, p.ifIndex, p.name) },
          {
            title: 'Neighbour',
            value: (p) => p.neighbours.map((n) => `${n.label} ${n.port ?? ''}`.trim()).join('; '),
            cell: (p) =>
              p.neighbours.flatMap((n, i) => [
                i ? h('br') : '',
                n.managed ? deviceLink(n.node, n.label) : n.label,
                n.port ? ` ${n.port}` : '',
              ]),
          },
          {
            title: 'State',
            value: (p) => ifStatus(p.operStatus),
            cell: (p) => stateTag(ifStatus(p.operStatus)),
          },
          { title: 'STP', value: (p) => p.stp ?? '', cell: (p) => stateTag(p.stp ?? '') },
          {
            title: 'LAG',
            value: (p) => p.lag?.name ?? (p.members ? `of ${p.members.map((m) => m.name).join(', ')}` : ''),
          },
          { title: 'VLANs', value: (p) => vlanWords(p.vlans) },
        ] satisfies Column<DevicePort>[]
      ).filter((c, i) => i === 0 || ports.some((p) => c.value(p))),
      ports,
      {
        csvName: `${d.sysName ?? d.id}-linked-ports`,
        empty: 'No port with a neighbour, a LAG or a blocked state.',
      },
    ).el,
  );
}
