// L3 adjacency: devices with addresses in the same subnet, and route next hops owned by a polled device.
import { isNonIdentifying, networkOf } from '@netspotter/shared/snmp/inet';
import type { Link } from '../result.ts';
import type { Device } from './identity.ts';
import { linkEnd } from './ports.ts';

export function buildL3Links(devices: Device[]): Link[] {
  const links = new Map<string, Link>();
  const add = (
    x: Device,
    xi: number | undefined,
    y: Device,
    yi: number | undefined,
    evidence: 'subnet' | 'route',
    subnet?: string,
  ): void => {
    const [p, q]: [[Device, number | undefined], [Device, number | undefined]] =
      x.id < y.id
        ? [
            [x, xi],
            [y, yi],
          ]
        : [
            [y, yi],
            [x, xi],
          ];
    const key = `${p[0].id}#${p[1] ?? '?'}|${q[0].id}#${q[1] ?? '?'}`;
    const link = links.get(key) ?? {
      layer: 'l3',
      a: linkEnd(p[0], p[1]),
      b: linkEnd(q[0], q[1]),
      evidence: [],
      confirmed: true,
    };
    if (!link.evidence.includes(evidence)) link.evidence.push(evidence);
    if (subnet && !link.subnet) link.subnet = subnet;
    links.set(key, link);
  };

  const members = new Map<string, { d: Device; ifIndex: number | undefined }[]>();
  const owner = new Map<string, { d: Device; ifIndex: number | undefined }>();
  for (const d of devices) {
    for (const a of d.facts.addresses) {
      if (isNonIdentifying(a.address)) continue;
      owner.set(a.address, { d, ifIndex: a.ifIndex });
      const max = a.family === 'ipv4' ? 32 : 128;
      if (a.prefixLength === undefined || a.prefixLength >= max - 1 || a.prefixLength === 0) continue;
      const net = networkOf(a.address, a.prefixLength);
      if (!net) continue;
      const list = members.get(net) ?? [];
      if (!list.some((m) => m.d === d)) list.push({ d, ifIndex: a.ifIndex });
      members.set(net, list);
    }
  }
  for (const [net, list] of members)
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++)
        add(list[i]!.d, list[i]!.ifIndex, list[j]!.d, list[j]!.ifIndex, 'subnet', net);

  for (const d of devices) {
    for (const r of d.facts.routes) {
      const hop = owner.get(r.nextHop);
      if (!hop || hop.d === d) continue;
      add(d, r.ifIndex, hop.d, hop.ifIndex, 'route');
    }
  }
  return [...links.values()];
}
