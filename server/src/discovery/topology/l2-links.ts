// L2 links from LLDP and CDP (the OpenNMS split: collect per node, match globally). A link between two
// polled devices is confirmed when both ends report each other; neighbours we do not poll become
// "unmanaged" nodes; a port with several neighbours (hub, shared segment) becomes a segment node.
import { canonicalIp } from '@netspotter/shared/snmp/inet';
import { macFromText } from '@netspotter/shared/snmp/poller/values';
import type { Link, UnmanagedNode } from '../result.ts';
import { isDefaultName, type Device } from './identity.ts';
import { linkEnd, resolveLocalPort, resolveRemoteCdpPort, resolveRemoteLldpPort } from './ports.ts';

/** One neighbour report: seen from (device, ifIndex), pointing at a remote box and port. */
export interface Observation {
  evidence: 'lldp' | 'cdp';
  from: { device: Device; ifIndex: number };
  remote?: Device;
  remoteIfIndex?: number;
  /** Identity of an unpolled neighbour (chassis id or name) and what it announced. */
  neighborKey: string;
  name?: string;
  port?: string;
  chassisId?: string;
  addresses: string[];
  platform?: string;
  /** Tables beyond LLDP-MIB / CISCO-CDP-MIB the report came from. */
  tables?: string[];
}

const baseName = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/\(.*\)$/, '')
    .split('.')[0]!;

const sameId = (a: string, b: string | undefined): boolean =>
  b !== undefined && (macFromText(a) ?? a.toLowerCase()) === (macFromText(b) ?? b.toLowerCase());

export class DeviceIndex {
  private chassis = new Map<string, Device>();
  private address = new Map<string, Device>();
  private names = new Map<string, Device[]>();

  constructor(readonly devices: Device[]) {
    for (const d of devices) {
      if (d.chassisId) this.chassis.set(d.chassisId, d);
      for (const m of d.macs) if (!this.chassis.has(m)) this.chassis.set(m, d);
      for (const a of d.addresses) this.address.set(a, d);
      const names = new Set(
        [d.facts.system.sysName, d.facts.lldp.sysName, d.facts.cdp.deviceId]
          .filter((n) => !isDefaultName(n))
          .map((n) => baseName(n!)),
      );
      for (const n of names) this.names.set(n, [...(this.names.get(n) ?? []), d]);
    }
  }

  byChassis(id: string | undefined): Device | undefined {
    if (!id) return undefined;
    return this.chassis.get((macFromText(id) ?? id).toLowerCase());
  }

  byAddress(a: string | undefined): Device | undefined {
    const ip = a ? canonicalIp(a) : undefined;
    return ip ? this.address.get(ip) : undefined;
  }

  /** By name only when exactly one polled device carries it (names repeat on anonymised/default boxes). */
  byName(name: string | undefined): Device | undefined {
    if (isDefaultName(name)) return undefined;
    const hits = this.names.get(baseName(name!));
    return hits?.length === 1 ? hits[0] : undefined;
  }
}

export function lldpObservations(index: DeviceIndex): Observation[] {
  const out: Observation[] = [];
  for (const d of index.devices) {
    for (const r of d.facts.lldp.remotes) {
      const local =
        r.localIfIndex ??
        (r.localPortNum !== undefined ? resolveLocalPort(d.facts, r.localPortNum)?.ifIndex : undefined);
      if (local === undefined) continue;
      const found =
        index.byChassis(r.chassisId) ??
        r.managementAddresses.map((a) => index.byAddress(a)).find(Boolean) ??
        index.byName(r.sysName);
      // Its own LLDP chassis id is a self-announcement (loop, management port); any other match on
      // ourselves comes from reused or anonymised MACs/addresses, so the neighbour stays unidentified.
      if (found === d && r.chassisId && sameId(r.chassisId, d.facts.lldp.chassisId)) continue;
      const remote = found === d ? undefined : found;
      const o: Observation = {
        evidence: 'lldp',
        from: { device: d, ifIndex: local },
        neighborKey: r.chassisId
          ? `chassis:${(macFromText(r.chassisId) ?? r.chassisId).toLowerCase()}`
          : `name:${r.sysName ?? '?'}`,
        addresses: r.managementAddresses,
      };
      if (remote) {
        o.remote = remote;
        const ri = resolveRemoteLldpPort(remote.facts, r.portIdSubtype, r.portId, r.portDesc);
        if (ri !== undefined) o.remoteIfIndex = ri;
      }
      if (r.sysName) o.name = r.sysName;
      const port = r.portId ?? r.portDesc;
      if (port) o.port = port;
      if (r.chassisId) o.chassisId = r.chassisId;
      if (r.sysDesc) o.platform = r.sysDesc.split('\n')[0]!;
      if (r.tables) o.tables = r.tables;
      out.push(o);
    }
  }
  return out;
}

export function cdpObservations(index: DeviceIndex): Observation[] {
  const out: Observation[] = [];
  for (const d of index.devices) {
    for (const e of d.facts.cdp.entries) {
      if (!d.facts.interfaces.some((i) => i.ifIndex === e.ifIndex)) continue;
      const found = index.byName(e.deviceId) ?? index.byAddress(e.address);
      if (
        found === d &&
        e.deviceId &&
        d.facts.cdp.deviceId &&
        baseName(e.deviceId) === baseName(d.facts.cdp.deviceId)
      )
        continue;
      const remote = found === d ? undefined : found;
      const o: Observation = {
        evidence: 'cdp',
        from: { device: d, ifIndex: e.ifIndex },
        neighborKey: `name:${e.deviceId ? baseName(e.deviceId) : (e.address ?? '?')}`,
        addresses: e.address ? [e.address] : [],
      };
      if (remote) {
        o.remote = remote;
        const ri = resolveRemoteCdpPort(remote.facts, e.devicePort);
        if (ri !== undefined) o.remoteIfIndex = ri;
      }
      if (e.deviceId) o.name = e.deviceId;
      if (e.devicePort) o.port = e.devicePort;
      if (e.platform) o.platform = e.platform;
      out.push(o);
    }
  }
  return out;
}

export interface L2Result {
  links: Link[];
  unmanaged: UnmanagedNode[];
  segments: { id: string; members: number }[];
}

const endKey = (device: string, ifIndex: number | undefined): string => `${device}#${ifIndex ?? '?'}`;

/** Folds observations into links: pairs two-sided reports, keeps one-sided ones, turns multi-neighbour ports into segments. */
export function buildL2Links(observations: Observation[]): L2Result {
  // A remote port we could not map is taken from the reverse report, when there is one.
  for (const o of observations) {
    if (!o.remote || o.remoteIfIndex !== undefined) continue;
    const back = observations.filter(
      (x) => x.from.device === o.remote && x.remote === o.from.device && x.remoteIfIndex === o.from.ifIndex,
    );
    const ports = new Set(back.map((x) => x.from.ifIndex));
    if (ports.size === 1) o.remoteIfIndex = [...ports][0]!;
  }
  // CDP and LLDP reports of the same unpolled neighbour on one port name the same node: matched by
  // name, or taken as one box when the port has exactly one neighbour of each protocol.
  const onPort = (o: Observation, e: Observation['evidence']) =>
    observations.filter(
      (x) =>
        x.evidence === e && !x.remote && x.from.device === o.from.device && x.from.ifIndex === o.from.ifIndex,
    );
  for (const o of observations) {
    if (o.evidence !== 'cdp' || o.remote) continue;
    const lldp = onPort(o, 'lldp');
    const twin =
      lldp.find((x) => x.name && o.name && baseName(x.name) === baseName(o.name)) ??
      (lldp.length === 1 && onPort(o, 'cdp').length === 1 ? lldp[0] : undefined);
    if (twin) o.neighborKey = twin.neighborKey;
  }
  // Ports that see more than one distinct neighbour are shared segments (hub, unmanaged switch).
  const neighboursOf = new Map<string, Set<string>>();
  for (const o of observations) {
    const k = endKey(o.from.device.id, o.from.ifIndex);
    const who = o.remote ? `dev:${o.remote.id}` : o.neighborKey;
    neighboursOf.set(k, (neighboursOf.get(k) ?? new Set()).add(who));
  }
  const shared = new Set([...neighboursOf].filter(([, s]) => s.size > 1).map(([k]) => k));

  const links = new Map<string, Link>();
  const unmanaged = new Map<string, UnmanagedNode>();
  const segmentOf = new Map<string, string>();
  const segmentMembers = new Map<string, Set<string>>();
  const addEvidence = (link: Link, o: Observation): void => {
    if (!link.evidence.includes(o.evidence)) link.evidence.push(o.evidence);
    for (const t of o.tables ?? []) if (!link.via?.includes(t)) link.via = [...(link.via ?? []), t];
  };

  for (const o of observations) {
    const fromKey = endKey(o.from.device.id, o.from.ifIndex);
    const remoteKey = o.remote ? endKey(o.remote.id, o.remoteIfIndex) : undefined;
    if (shared.has(fromKey) || (remoteKey && shared.has(remoteKey))) {
      // Every endpoint on a shared port joins the same segment node.
      const seg = segmentOf.get(fromKey) ?? (remoteKey && segmentOf.get(remoteKey)) ?? `segment:${fromKey}`;
      for (const k of [fromKey, remoteKey]) if (k) segmentOf.set(k, seg);
      const members = segmentMembers.get(seg) ?? new Set<string>();
      segmentMembers.set(seg, members);
      const attach = (device: Device, ifIndex: number | undefined): void => {
        const k = `${seg}|${endKey(device.id, ifIndex)}`;
        members.add(endKey(device.id, ifIndex));
        const link = links.get(k) ?? {
          layer: 'l2',
          a: linkEnd(device, ifIndex),
          b: { segment: seg },
          evidence: [],
          confirmed: false,
        };
        links.set(k, link);
        addEvidence(link, o);
      };
      attach(o.from.device, o.from.ifIndex);
      if (o.remote) attach(o.remote, o.remoteIfIndex);
      else {
        const node = upsertUnmanaged(unmanaged, o);
        members.add(node.id);
        const k = `${seg}|${node.id}`;
        const link = links.get(k) ?? {
          layer: 'l2',
          a: linkEnd(o.from.device, o.from.ifIndex),
          b: { segment: seg, unmanaged: node.id },
          evidence: [],
          confirmed: false,
        };
        links.set(k, link);
        addEvidence(link, o);
      }
      continue;
    }
    if (o.remote) {
      const [x, y] = [fromKey, remoteKey!].sort();
      const k = `${x}|${y}`;
      let link = links.get(k);
      if (!link) {
        link = {
          layer: 'l2',
          a: linkEnd(o.from.device, o.from.ifIndex),
          b: linkEnd(o.remote, o.remoteIfIndex),
          evidence: [],
          confirmed: false,
        };
        if (o.remoteIfIndex === undefined && o.port) link.b.port = o.port;
        links.set(k, link);
      }
      addEvidence(link, o);
      // Confirmed when the far end has reported this very link too.
      if (link.a.device !== o.from.device.id) link.confirmed = true;
      continue;
    }
    const node = upsertUnmanaged(unmanaged, o);
    const k = `${fromKey}|${node.id}`;
    let link = links.get(k);
    if (!link) {
      link = {
        layer: 'l2',
        a: linkEnd(o.from.device, o.from.ifIndex),
        b: { unmanaged: node.id },
        evidence: [],
        confirmed: false,
      };
      if (o.name) link.b.name = o.name;
      if (o.port) link.b.port = o.port;
      links.set(k, link);
    }
    addEvidence(link, o);
  }
  return {
    links: [...links.values()],
    unmanaged: [...unmanaged.values()],
    segments: [...segmentMembers].map(([id, m]) => ({ id, members: m.size })),
  };
}

function upsertUnmanaged(nodes: Map<string, UnmanagedNode>, o: Observation): UnmanagedNode {
  const id = `unmanaged:${o.neighborKey.replace(/^(chassis|name):/, '')}`;
  let node = nodes.get(id);
  if (!node) {
    node = { id, addresses: [] };
    nodes.set(id, node);
  }
  if (o.name && !node.name) node.name = o.name;
  if (o.chassisId && !node.chassisId) node.chassisId = o.chassisId;
  if (o.platform && !node.platform) node.platform = o.platform;
  for (const a of o.addresses) if (!node.addresses.includes(a)) node.addresses.push(a);
  return node;
}
