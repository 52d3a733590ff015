// FDB-based L2 inference and host attachment.
//
// Switch-to-switch links use the Direct Connection Theorem of Breitbart, Garofalakis, Martin, Rastogi,
// Seshadri and Silberschatz ("Topology Discovery in Heterogeneous IP Networks", INFOCOM 2000), applied,
// as Gobjuka & Breitbart (ToN 2010) suggest for incomplete tables, to the address set every switch does
// see: the polled devices' own MACs. Port a of switch A and port b of switch B are directly connected
// when A learns B on a, B learns A on b, and no third polled device is learned on both a and b
// (its forwarding sets through a and b would intersect).
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import type { HostAttachment, Link } from '../result.ts';
import type { Device } from './identity.ts';
import { ifName, linkEnd } from './ports.ts';

/** MACs learned per ifIndex (address forwarding table per port); own (self/mgmt) entries excluded. */
export function forwardingSets(f: DeviceFacts): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const e of f.bridge.fdb) {
    if (e.ifIndex === undefined || e.status === 4 || e.status === 5) continue;
    const set = out.get(e.ifIndex) ?? new Set<string>();
    set.add(e.mac);
    out.set(e.ifIndex, set);
  }
  return out;
}

/**
 * Which polled devices each switch learns, and on which ports: built once from the FDBs through an index
 * of the devices' own MACs, so a pair's test is a lookup instead of a scan of every port and MAC (the
 * scan made inference quadratic in devices times ports times MACs: minutes at 2,000 switches).
 */
function learnedDevices(devices: Device[], afts: Map<Device, Map<number, Set<string>>>) {
  const owners = new Map<string, Device[]>();
  for (const d of devices) for (const m of d.macs) owners.set(m, [...(owners.get(m) ?? []), d]);
  const portsOf = new Map<Device, Map<Device, Set<number>>>();
  const onPort = new Map<Device, Map<number, Set<Device>>>();
  for (const a of devices) {
    const ports = new Map<Device, Set<number>>();
    const byPort = new Map<number, Set<Device>>();
    for (const [port, macs] of afts.get(a)!)
      for (const m of macs)
        for (const d of owners.get(m) ?? []) {
          ports.set(d, (ports.get(d) ?? new Set()).add(port));
          byPort.set(port, (byPort.get(port) ?? new Set()).add(d));
        }
    portsOf.set(a, ports);
    onPort.set(a, byPort);
  }
  return {
    /** The port of `a` on which any MAC of `b` is learned, when exactly one port qualifies. */
    portToward(a: Device, b: Device): number | undefined {
      const ports = portsOf.get(a)!.get(b);
      return ports?.size === 1 ? ports.values().next().value : undefined;
    },
    /** The polled devices `a` learns on `port`. */
    on: (a: Device, port: number): Set<Device> => onPort.get(a)!.get(port) ?? new Set(),
    /** The polled devices `a` learns on any port: the only ones a link from `a` can be inferred to. */
    by: (a: Device): Iterable<Device> => portsOf.get(a)!.keys(),
  };
}

/**
 * Inferred links for device pairs not already joined by LLDP/CDP. A device without an FDB (a router,
 * a server) is attached to the switch port where its MAC is learned when nothing polled sits between.
 */
export function inferFdbLinks(devices: Device[], known: Link[]): Link[] {
  const afts = new Map(devices.map((d) => [d, forwardingSets(d.facts)]));
  const learned = learnedDevices(devices, afts);
  const linked = new Set(
    known.filter((l) => l.b.device).map((l) => [l.a.device, l.b.device!].sort().join('|')),
  );
  const order = new Map(devices.map((d, i) => [d, i]));
  const out: Link[] = [];
  for (const a of devices) {
    const aftA = afts.get(a)!;
    if (aftA.size === 0) continue;
    // Only the devices `a` learns (in input order, so links come out as before): a pass over every device
    // for every switch was devices² lookups, 10^8 at 10,000 devices.
    for (const b of [...learned.by(a)].sort((x, y) => order.get(x)! - order.get(y)!)) {
      if (a === b) continue;
      const pa = learned.portToward(a, b);
      if (pa === undefined || linked.has([a.id, b.id].sort().join('|'))) continue;
      const aftB = afts.get(b)!;
      const throughA = [...learned.on(a, pa)].filter((c) => c !== a && c !== b);
      if (aftB.size > 0) {
        if (a.id > b.id) continue; // each switch pair once
        const pb = learned.portToward(b, a);
        if (pb === undefined) continue;
        const throughB = learned.on(b, pb);
        if (!throughA.some((c) => throughB.has(c)))
          out.push({ layer: 'l2', a: linkEnd(a, pa), b: linkEnd(b, pb), evidence: ['fdb'], confirmed: true });
      } else {
        const between = throughA.some((c) => afts.get(c)!.size > 0);
        const bIf = b.facts.interfaces.filter((i) => i.mac && aftA.get(pa)!.has(i.mac)).map((i) => i.ifIndex);
        if (!between)
          out.push({
            layer: 'l2',
            a: linkEnd(a, pa),
            b: linkEnd(b, bIf.length === 1 ? bIf[0] : undefined),
            evidence: ['fdb'],
            confirmed: false,
          });
      }
    }
  }
  return out;
}

/**
 * Hosts behind edge ports: a port is an uplink when it leads to another polled device (by link or by
 * learning a polled device's MAC); every other learned MAC is attached where it is learned, with the
 * IPv4/IPv6 addresses the polled ARP/ND caches give for it.
 */
export function attachHosts(devices: Device[], links: Link[]): HostAttachment[] {
  const ownMacs = new Set(devices.flatMap((d) => [...d.macs]));
  const ipsByMac = new Map<string, Set<string>>();
  for (const d of devices)
    for (const n of d.facts.neighbors)
      if (n.mac) ipsByMac.set(n.mac, (ipsByMac.get(n.mac) ?? new Set()).add(n.address));
  const uplinks = new Set(
    links
      .filter((l) => l.b.device || l.b.segment)
      .flatMap((l) => [`${l.a.device}#${l.a.ifIndex}`, `${l.b.device}#${l.b.ifIndex}`]),
  );
  const out: HostAttachment[] = [];
  for (const d of devices) {
    const aft = forwardingSets(d.facts);
    for (const [port, macs] of aft) {
      if (uplinks.has(`${d.id}#${port}`) || [...macs].some((m) => ownMacs.has(m))) continue;
      const vlanOf = new Map(
        d.facts.bridge.fdb.filter((e) => e.ifIndex === port).map((e) => [e.mac, e.vlan]),
      );
      for (const mac of macs) {
        const h: HostAttachment = {
          mac,
          addresses: [...(ipsByMac.get(mac) ?? [])].sort(),
          device: d.id,
          ifIndex: port,
        };
        const n = ifName(d.facts, port);
        if (n) h.ifName = n;
        const vlan = vlanOf.get(mac);
        if (vlan !== undefined) h.vlan = vlan;
        out.push(h);
      }
    }
  }
  return out;
}
