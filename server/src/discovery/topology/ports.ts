// Port resolution: LLDP local port number → ifIndex, and a neighbour's announced port → its ifIndex.
import type { DeviceFacts, InterfaceFacts } from '@netspotter/shared/snmp/facts';
import { macFromText } from '@netspotter/shared/snmp/poller/values';
import type { LinkEnd } from '../result.ts';

export type PortRule = 'lldpLocPortId' | 'lldpLocPortDesc' | 'dot1dBasePort' | 'portNum=ifIndex' | 'ifIndex';

const norm = (s: string | undefined): string => (s ?? '').trim().toLowerCase();

/** Interface names compared loosely: "GigabitEthernet0/1" ~ "Gi0/1" (two-letter type prefix + numbering). */
export function shortPortName(name: string): string {
  const m = /^([a-z]+)[\s-]*([0-9][0-9/.:]*)$/i.exec(name.trim());
  return m ? `${m[1]!.slice(0, 2).toLowerCase()}${m[2]}` : name.trim().toLowerCase();
}

function byName(ifs: InterfaceFacts[], name: string | undefined): InterfaceFacts | undefined {
  if (!name?.trim()) return undefined;
  const n = norm(name);
  for (const field of ['ifName', 'ifDescr', 'ifAlias'] as const) {
    const hits = ifs.filter((i) => norm(i[field]) === n);
    if (hits.length === 1) return hits[0];
  }
  const short = shortPortName(name);
  const hits = ifs.filter(
    (i) =>
      (i.ifName && shortPortName(i.ifName) === short) || (i.ifDescr && shortPortName(i.ifDescr) === short),
  );
  return hits.length === 1 ? hits[0] : undefined;
}

function byMac(ifs: InterfaceFacts[], text: string | undefined): InterfaceFacts | undefined {
  const mac = text ? macFromText(text) : undefined;
  if (!mac) return undefined;
  const hits = ifs.filter((i) => i.mac === mac);
  return hits.length === 1 ? hits[0] : undefined;
}

function byIndex(ifs: InterfaceFacts[], value: string | number | undefined): InterfaceFacts | undefined {
  const n =
    typeof value === 'number'
      ? value
      : value !== undefined && /^\d+$/.test(value.trim())
        ? Number(value)
        : NaN;
  return ifs.find((i) => i.ifIndex === n);
}

/**
 * lldpRemLocalPortNum is an ifIndex on some agents and a bridge port or private number on others (the
 * LLDP-MIB allows both). Order, as Netdisco resolves it: lldpLocPortId by subtype, lldpLocPortDesc,
 * dot1dBasePortIfIndex, then the number itself as ifIndex.
 */
export function resolveLocalPort(
  f: DeviceFacts,
  portNum: number,
): { ifIndex: number; rule: PortRule } | undefined {
  const ifs = f.interfaces;
  const port = f.lldp.ports.find((p) => p.portNum === portNum);
  if (port) {
    let hit: InterfaceFacts | undefined;
    if (port.idSubtype === 3) hit = byMac(ifs, port.id);
    else if (port.idSubtype === 7 && port.id && /^\d+$/.test(port.id))
      hit = byIndex(ifs, port.id) ?? byName(ifs, port.id);
    else hit = byName(ifs, port.id);
    if (hit) return { ifIndex: hit.ifIndex, rule: 'lldpLocPortId' };
    const byDesc = byName(ifs, port.desc);
    if (byDesc) return { ifIndex: byDesc.ifIndex, rule: 'lldpLocPortDesc' };
  }
  const bridged = f.bridge.portIfIndex[String(portNum)];
  if (bridged !== undefined && byIndex(ifs, bridged)) return { ifIndex: bridged, rule: 'dot1dBasePort' };
  if (byIndex(ifs, portNum)) return { ifIndex: portNum, rule: 'portNum=ifIndex' };
  return undefined;
}

/** A neighbour's LLDP port id (by subtype) or description, mapped onto that neighbour's own interfaces. */
export function resolveRemoteLldpPort(
  r: DeviceFacts,
  portIdSubtype: number | undefined,
  portId: string | undefined,
  portDesc: string | undefined,
): number | undefined {
  const announced = r.lldp.ports.find(
    (p) =>
      portId !== undefined &&
      p.id === portId &&
      (portIdSubtype === undefined || p.idSubtype === undefined || p.idSubtype === portIdSubtype),
  );
  if (announced) {
    const local = resolveLocalPort(r, announced.portNum);
    if (local) return local.ifIndex;
  }
  const ifs = r.interfaces;
  let hit: InterfaceFacts | undefined;
  if (portIdSubtype === 3) hit = byMac(ifs, portId);
  else if (portIdSubtype === 7) hit = byIndex(ifs, portId) ?? byName(ifs, portId);
  else hit = byName(ifs, portId);
  return (hit ?? byName(ifs, portDesc))?.ifIndex;
}

/** A CDP neighbour's port (cdpCacheDevicePort) on that neighbour: ifName/ifDescr, or its cdpInterfaceName. */
export function resolveRemoteCdpPort(r: DeviceFacts, devicePort: string | undefined): number | undefined {
  if (!devicePort) return undefined;
  const hit = byName(r.interfaces, devicePort);
  if (hit) return hit.ifIndex;
  const named = Object.entries(r.cdp.interfaceNames).filter(([, n]) => norm(n) === norm(devicePort));
  return named.length === 1 ? Number(named[0]![0]) : undefined;
}

export function ifName(f: DeviceFacts, ifIndex: number | undefined): string | undefined {
  if (ifIndex === undefined) return undefined;
  const i = f.interfaces.find((x) => x.ifIndex === ifIndex);
  return i?.ifName || i?.ifDescr;
}

/** A link end on a polled device, named by its interface when known. */
export function linkEnd(
  device: { id: string; facts: DeviceFacts },
  ifIndex: number | undefined,
): LinkEnd & { device: string } {
  const e: LinkEnd & { device: string } = { device: device.id };
  if (ifIndex !== undefined) e.ifIndex = ifIndex;
  const n = ifName(device.facts, ifIndex);
  if (n) e.ifName = n;
  return e;
}
