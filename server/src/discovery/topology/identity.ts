// Device identity: targets that reach the same box become one device. Strong keys (LLDP chassis id,
// bridge MAC, interface MACs, owned global addresses) merge; sysName + sysObjectID only merges when no
// strong key contradicts it, and never for anonymised/default names.
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { isNonIdentifying } from '@netspotter/shared/snmp/inet';
import { isNonIdentifyingMac, macFromText } from '@netspotter/shared/snmp/poller/values';

export interface Device {
  id: string;
  /** Facts of the member with the most interfaces; the others are the same box seen via another target. */
  facts: DeviceFacts;
  members: DeviceFacts[];
  addresses: Set<string>;
  macs: Set<string>;
  chassisId?: string;
}

const DEFAULT_NAMES = new Set([
  '',
  '<private>',
  'localhost',
  'switch',
  'router',
  'default',
  'unknown',
  'none',
]);

/** Default names, and names with bytes that are not text (shown as \xNN): neither identifies a box. */
export function isDefaultName(name: string | undefined): boolean {
  return name === undefined || DEFAULT_NAMES.has(name.trim().toLowerCase()) || /\\x[0-9a-f]{2}/.test(name);
}

/** Strong identity keys of one target's facts. */
export function strongKeys(f: DeviceFacts): { chassis: string[]; macs: string[]; addresses: string[] } {
  const chassis: string[] = [];
  if (f.lldp.chassisId) chassis.push((macFromText(f.lldp.chassisId) ?? f.lldp.chassisId).toLowerCase());
  const macs = new Set<string>();
  if (f.bridge.baseAddress) macs.add(f.bridge.baseAddress);
  for (const i of f.interfaces) if (i.mac) macs.add(i.mac);
  const addresses = new Set<string>();
  for (const a of f.addresses) if (!isNonIdentifying(a.address)) addresses.add(a.address);
  return { chassis, macs: [...macs].filter((m) => !isNonIdentifyingMac(m)), addresses: [...addresses] };
}

export function mergeDevices(all: DeviceFacts[]): Device[] {
  const parent = all.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const keys = all.map(strongKeys);
  // What each group claims to be: real names and LLDP chassis ids. Two groups that claim different
  // ones are different boxes, whatever else they share (Juniper's internal 128.0.0.x addresses,
  // cloned or anonymised MACs).
  const names = all.map(
    (f) => new Set(isDefaultName(f.system.sysName) ? [] : [f.system.sysName!.toLowerCase().split('.')[0]!]),
  );
  const chassis = keys.map((k) => new Set(k.chassis));
  const clash = (a: Set<string>, b: Set<string>): boolean =>
    a.size > 0 && b.size > 0 && ![...a].some((x) => b.has(x));
  const union = (a: number, b: number): void => {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb || clash(names[ra]!, names[rb]!) || clash(chassis[ra]!, chassis[rb]!)) return;
    parent[ra] = rb;
    names[ra]!.forEach((n) => names[rb]!.add(n));
    chassis[ra]!.forEach((c) => chassis[rb]!.add(c));
  };
  const owners = new Map<string, number[]>();
  keys.forEach((k, i) => {
    for (const key of [
      ...k.chassis.map((c) => `c:${c}`),
      ...k.addresses.map((a) => `a:${a}`),
      ...k.macs.map((m) => `m:${m}`),
    ])
      owners.set(key, [...(owners.get(key) ?? []), i]);
  });
  // Chassis ids first, then addresses, then MACs: the most specific evidence decides before the weakest.
  for (const prefix of ['c:', 'a:', 'm:'])
    for (const [key, list] of owners)
      if (key.startsWith(prefix)) for (const i of list.slice(1)) union(i, list[0]!);
  // Weak key: a real (non-default) sysName with the same sysObjectID, when strong keys do not disagree.
  const byName = new Map<string, number>();
  all.forEach((f, i) => {
    if (isDefaultName(f.system.sysName) || !f.system.sysObjectID) return;
    const key = `${f.system.sysName!.toLowerCase()}|${f.system.sysObjectID}`;
    const j = byName.get(key);
    if (j === undefined) byName.set(key, i);
    else if (!contradicts(keys[i]!, keys[j]!)) union(i, j);
  });
  const groups = new Map<number, DeviceFacts[]>();
  all.forEach((f, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), f]);
  });
  const devices = [...groups.values()].map((members) =>
    toDevice(
      members,
      members.map((m) => keys[all.indexOf(m)]!),
    ),
  );
  assignIds(devices);
  return devices;
}

/** Two targets with strong keys of the same kind and none in common are different boxes. */
function contradicts(a: ReturnType<typeof strongKeys>, b: ReturnType<typeof strongKeys>): boolean {
  const disjoint = (x: string[], y: string[]): boolean =>
    x.length > 0 && y.length > 0 && !x.some((v) => y.includes(v));
  return disjoint(a.chassis, b.chassis) || disjoint(a.macs, b.macs);
}

function toDevice(members: DeviceFacts[], keys: ReturnType<typeof strongKeys>[]): Device {
  const facts = members.reduce((best, f) => (f.interfaces.length > best.interfaces.length ? f : best));
  const d: Device = { id: '', facts, members, addresses: new Set(), macs: new Set() };
  for (const k of keys) {
    k.addresses.forEach((a) => d.addresses.add(a));
    k.macs.forEach((m) => d.macs.add(m));
  }
  const chassis = keys.flatMap((k) => k.chassis)[0];
  if (chassis) d.chassisId = chassis;
  return d;
}

/** Readable, unique ids: the sysName when it is real and unique, else the chassis id, else the target. */
function assignIds(devices: Device[]): void {
  const nameCount = new Map<string, number>();
  for (const d of devices) {
    const n = d.facts.system.sysName;
    if (!isDefaultName(n)) nameCount.set(n!, (nameCount.get(n!) ?? 0) + 1);
  }
  const used = new Set<string>();
  for (const d of devices) {
    const n = d.facts.system.sysName;
    let id = !isDefaultName(n) && nameCount.get(n!) === 1 ? n! : (d.chassisId ?? d.facts.target);
    for (let k = 2; used.has(id); k++) id = `${id.replace(/#\d+$/, '')}#${k}`;
    used.add(id);
    d.id = id;
  }
}
