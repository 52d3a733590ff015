// One link per physical reality: logical units and sub-interfaces (Junos ae0.0 or ge-0/0/1.0, Cisco Gi0/1.100)
// are their port for the physical topology. Link ends on a unit move down to its port, and links that then
// join the same ports (LLDP seen on ae0.0 at both ends, spanning tree on ae0) become one, evidence merged.
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import type { Link, LinkEnd } from '../result.ts';
import type { Device } from './identity.ts';
import { linkEnd } from './ports.ts';

/** "ae0.0" over "ae0": the unit's name is its port's name and a unit number. */
const isUnitName = (unit: string | undefined, port: string | undefined): boolean =>
  !!unit && !!port && unit.startsWith(port) && /^[.:]\d+$/.test(unit.slice(port.length));

/**
 * Unit ifIndex → its port's ifIndex. A unit stacks on exactly one lower interface (ifStackTable) named as
 * the unit without its number; without a stack table, the name alone when that port exists once.
 */
export function unitPorts(f: Pick<DeviceFacts, 'interfaces' | 'stack'>): Map<number, number> {
  const byIndex = new Map(f.interfaces.map((i) => [i.ifIndex, i]));
  const nameOf = (ifIndex: number): string | undefined =>
    byIndex.get(ifIndex)?.ifName || byIndex.get(ifIndex)?.ifDescr;
  const lowers = new Map<number, number[]>();
  for (const [h, l] of f.stack?.ifStack ?? []) lowers.set(h, [...(lowers.get(h) ?? []), l]);
  const byName = new Map<string, number[]>();
  for (const i of f.interfaces)
    for (const n of new Set([i.ifName, i.ifDescr]))
      if (n) byName.set(n, [...(byName.get(n) ?? []), i.ifIndex]);
  const out = new Map<number, number>();
  for (const i of f.interfaces) {
    const name = nameOf(i.ifIndex);
    const stacked = lowers.get(i.ifIndex);
    if (stacked) {
      if (stacked.length === 1 && isUnitName(name, nameOf(stacked[0]!))) out.set(i.ifIndex, stacked[0]!);
      continue;
    }
    const m = name ? /^(.+)[.:]\d+$/.exec(name) : null;
    const port = m ? byName.get(m[1]!) : undefined;
    if (port?.length === 1 && port[0] !== i.ifIndex) out.set(i.ifIndex, port[0]!);
  }
  // A unit of a unit is the port below both.
  for (const [unit, port] of out) {
    let base = port;
    for (let hops = 0; out.has(base) && hops < 8; hops++) base = out.get(base)!;
    out.set(unit, base);
  }
  return out;
}

const endKey = (e: LinkEnd): string =>
  `${e.device ?? e.unmanaged ?? e.segment ?? '?'}#${e.ifIndex ?? e.port ?? ''}`;

/** Moves link ends from units to their ports and merges the links that then coincide. */
export function onePerPort(devices: Device[], links: Link[]): Link[] {
  const byId = new Map(devices.map((d) => [d.id, d]));
  const units = new Map(devices.map((d) => [d.id, unitPorts(d.facts)]));
  const down = <E extends LinkEnd>(e: E): E => {
    const port =
      e.device !== undefined && e.ifIndex !== undefined ? units.get(e.device)?.get(e.ifIndex) : undefined;
    if (port === undefined) return e;
    const { ifName: _, ...rest } = e;
    return { ...rest, ...linkEnd(byId.get(e.device!)!, port) } as E;
  };
  const merged = new Map<string, Link>();
  for (const l of links) {
    const moved: Link = { ...l, a: down(l.a), b: down(l.b) };
    const key = `${l.layer}|${[endKey(moved.a), endKey(moved.b)].sort().join('|')}|${moved.b.segment ?? ''}`;
    const known = merged.get(key);
    if (!known) {
      merged.set(key, moved);
      continue;
    }
    for (const e of moved.evidence) if (!known.evidence.includes(e)) known.evidence.push(e);
    for (const t of moved.via ?? []) if (!known.via?.includes(t)) known.via = [...(known.via ?? []), t];
    // Each end reported the other, once from a unit and once from its port: both ends agree.
    known.confirmed ||= moved.confirmed || (!!moved.b.device && moved.a.device !== known.a.device);
  }
  return [...merged.values()];
}
