// "Which box is this, where is this port, where does this MAC or address live": search a snapshot by
// name, address, MAC (any spelling), port name or description (pure; the FDB and ARP/ND rows of the
// devices that know the MAC or address are handed in by the caller).
import { canonicalIp, normaliseMac } from '@netspotter/shared';
import type { SearchHit } from '@netspotter/shared/api';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import type { Topology } from './graph.ts';
import { locateMac, type Sighting } from './locate-mac.ts';

/** The MAC a query names, or the address (canonical) it names. */
export function searchKey(query: string): { mac?: string; ip?: string } {
  const q = query.trim();
  const mac = normaliseMac(q);
  if (mac) return { mac };
  const ip = canonicalIp(q.replace(/^\[|\]$/g, '').split('%')[0]!);
  return ip ? { ip } : {};
}

/** A polled device's port name from the snapshot's summary. */
function portName(t: Topology, device: string, ifIndex: number): string | undefined {
  const i = t.devices.find((d) => d.id === device)?.interfaces.find((x) => x.ifIndex === ifIndex);
  return i?.ifName || i?.ifDescr;
}

const bare = (a: string) => a.split('/')[0]!.split('%')[0]!.toLowerCase();

export function searchTopology(
  t: Topology,
  query: string,
  opts: { limit?: number; facts?: DeviceFacts[][]; seenAt?: string } = {},
): SearchHit[] {
  const limit = opts.limit ?? 50;
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const { mac, ip } = searchKey(q);
  const hits: SearchHit[] = [];
  const label = new Map(t.devices.map((d) => [d.id, d.sysName ?? d.id]));
  for (const d of t.devices) {
    const name = d.sysName ?? d.id;
    const base = { kind: 'device' as const, device: d.id, label: name };
    const addr = d.addresses.find((a) => a.toLowerCase() === q || bare(a) === (ip ?? q));
    const chassis = mac && [d.chassisId, d.bridgeAddress].some((c) => c && normaliseMac(c) === mac);
    const ifMac = mac && d.interfaces.find((i) => i.mac && normaliseMac(i.mac) === mac);
    if (name.toLowerCase().includes(q) || d.id.toLowerCase().includes(q))
      hits.push({ ...base, matched: 'name' });
    else if (addr) hits.push({ ...base, matched: 'address', addresses: [addr] });
    else if (chassis) hits.push({ ...base, matched: 'chassis MAC', mac: mac! });
    else if (ifMac)
      hits.push({
        ...base,
        matched: 'interface MAC',
        mac: mac!,
        ifIndex: ifMac.ifIndex,
        ...(ifMac.ifName && { ifName: ifMac.ifName }),
      });
  }
  // Ports by name (whole name) or description (any part, 3 characters or more).
  if (!mac && !ip)
    for (const d of t.devices)
      for (const i of d.interfaces) {
        const byName = [i.ifName, i.ifDescr].some((n) => n?.toLowerCase() === q);
        const byText = q.length >= 3 && [i.ifAlias, i.ifDescr].some((n) => n?.toLowerCase().includes(q));
        if (!byName && !byText) continue;
        hits.push({
          kind: 'port',
          device: d.id,
          deviceLabel: label.get(d.id)!,
          label: `${label.get(d.id)} ${i.ifName ?? i.ifDescr ?? i.ifIndex}`,
          matched: byName ? 'port name' : 'port description',
          ifIndex: i.ifIndex,
          ...((i.ifName ?? i.ifDescr) && { ifName: i.ifName ?? i.ifDescr }),
        });
      }
  if (mac || ip) hits.push(...locate(t, { mac, ip }, opts.facts ?? [], label, opts.seenAt));
  for (const u of t.unmanaged) {
    const byMac = mac && u.chassisId && normaliseMac(u.chassisId) === mac;
    if ((u.name ?? '').toLowerCase().includes(q) || u.addresses.some((a) => bare(a) === (ip ?? q)) || byMac) {
      hits.push({
        kind: 'unmanaged',
        device: u.id,
        label: u.name ?? u.chassisId ?? u.id,
        matched: byMac ? 'chassis MAC' : u.addresses.some((a) => bare(a) === (ip ?? q)) ? 'address' : 'name',
        addresses: u.addresses,
      });
    }
  }
  return hits.slice(0, limit);
}

/** Where a MAC (or the MAC an address resolves to through ARP/ND) lives. */
function locate(
  t: Topology,
  key: { mac?: string; ip?: string },
  facts: DeviceFacts[][],
  label: Map<string, string>,
  seenAt: string | undefined,
): SearchHit[] {
  const deviceOf = new Map<DeviceFacts, string>();
  for (const d of t.devices)
    for (const f of facts.flat()) if (d.targets.includes(f.target)) deviceOf.set(f, d.id);
  // ARP/ND pairs: MAC → addresses, and the MACs the address resolves to.
  const ips = new Map<string, Set<string>>();
  for (const f of facts.flat())
    for (const n of f.neighbors) if (n.mac) ips.set(n.mac, (ips.get(n.mac) ?? new Set()).add(n.address));
  for (const h of t.hosts) for (const a of h.addresses) ips.set(h.mac, (ips.get(h.mac) ?? new Set()).add(a));
  const macs = key.mac
    ? [key.mac]
    : [...ips].filter(([, as]) => [...as].some((a) => bare(a) === key.ip)).map(([m]) => m);
  const out: SearchHit[] = [];
  for (const mac of macs) {
    const sightings: Sighting[] = [];
    for (const f of facts.flat()) {
      const device = deviceOf.get(f);
      if (!device) continue;
      const perPort = new Map<number, number>();
      for (const e of f.bridge.fdb)
        if (e.ifIndex !== undefined && e.status !== 4 && e.status !== 5)
          perPort.set(e.ifIndex, (perPort.get(e.ifIndex) ?? 0) + 1);
      for (const e of f.bridge.fdb) {
        if (e.mac !== mac || e.ifIndex === undefined || e.status === 4 || e.status === 5) continue;
        const ifName = portName(t, device, e.ifIndex);
        sightings.push({
          device,
          ifIndex: e.ifIndex,
          ...(ifName && { ifName }),
          ...(e.vlan !== undefined && { vlan: e.vlan }),
          macsOnPort: perPort.get(e.ifIndex) ?? 0,
        });
      }
    }
    // Hosts the snapshot attached already count as sightings on their edge port.
    for (const h of t.hosts)
      if (h.mac === mac && !sightings.some((s) => s.device === h.device && s.ifIndex === h.ifIndex))
        sightings.push({
          device: h.device,
          ifIndex: h.ifIndex,
          ...(h.ifName && { ifName: h.ifName }),
          ...(h.vlan !== undefined && { vlan: h.vlan }),
          macsOnPort: 0,
        });
    const addresses = [...(ips.get(mac) ?? [])].sort();
    const found = locateMac(t, sightings);
    for (const s of found.edge)
      out.push({
        kind: 'host',
        device: s.device,
        deviceLabel: label.get(s.device) ?? s.device,
        label: addresses[0] ? `${mac} (${addresses.join(', ')})` : mac,
        matched: key.mac ? 'FDB' : 'ARP/ND',
        mac,
        addresses,
        ifIndex: s.ifIndex,
        ...(s.ifName && { ifName: s.ifName }),
        ...(s.vlan !== undefined && { vlan: s.vlan }),
        edge: found.edgeFound,
        macsOnPort: s.macsOnPort,
        ...(found.path.length > 1 && {
          path: found.path.map((p) => ({
            device: p.device,
            label: label.get(p.device) ?? p.device,
            ifIndex: p.ifIndex,
            ...(p.ifName && { ifName: p.ifName }),
          })),
        }),
        ...(found.towards && {
          towards: { ...found.towards, label: label.get(found.towards.device) ?? found.towards.device },
        }),
        ...(seenAt && { seenAt }),
      });
    // Known only from ARP/ND: no switch learned it.
    if (found.edge.length === 0 && addresses.length)
      out.push({
        kind: 'host',
        device: '',
        label: `${mac} (${addresses.join(', ')})`,
        matched: 'ARP/ND only',
        mac,
        addresses,
        ...(seenAt && { seenAt }),
      });
  }
  return out;
}
