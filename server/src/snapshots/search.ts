// "Where is this host attached / which box is this": search a snapshot by name, address or MAC (pure).
import { normaliseMac } from '@netspotter/shared';
import type { SearchHit } from '@netspotter/shared/api';
import type { Topology } from './graph.ts';

export function searchTopology(t: Topology, query: string, limit = 50): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const mac = normaliseMac(q);
  const hits: SearchHit[] = [];
  for (const d of t.devices) {
    const name = d.sysName ?? d.id;
    const addr = d.addresses.find((a) => a.toLowerCase() === q || a.toLowerCase().startsWith(`${q}/`));
    const ifMac = mac && d.interfaces.find((i) => i.mac && normaliseMac(i.mac) === mac);
    if (name.toLowerCase().includes(q) || d.id.toLowerCase().includes(q))
      hits.push({ kind: 'device', device: d.id, label: name, matched: 'name' });
    else if (addr)
      hits.push({ kind: 'device', device: d.id, label: name, matched: 'address', addresses: [addr] });
    else if (ifMac)
      hits.push({
        kind: 'device',
        device: d.id,
        label: name,
        matched: 'mac',
        ifIndex: ifMac.ifIndex,
        ...(ifMac.ifName && { ifName: ifMac.ifName }),
      });
  }
  for (const h of t.hosts) {
    const addr = h.addresses.find((a) => a.toLowerCase() === q);
    if ((mac && normaliseMac(h.mac) === mac) || addr) {
      hits.push({
        kind: 'host',
        device: h.device,
        label: addr ?? h.mac,
        matched: addr ? 'address' : 'mac',
        ifIndex: h.ifIndex,
        ...(h.ifName && { ifName: h.ifName }),
        ...(h.vlan !== undefined && { vlan: h.vlan }),
        mac: h.mac,
        addresses: h.addresses,
      });
    }
  }
  for (const u of t.unmanaged) {
    if ((u.name ?? '').toLowerCase().includes(q) || u.addresses.some((a) => a.toLowerCase() === q)) {
      hits.push({
        kind: 'unmanaged',
        device: u.id,
        label: u.name ?? u.id,
        matched: u.addresses.includes(q) ? 'address' : 'name',
        addresses: u.addresses,
      });
    }
  }
  return hits.slice(0, limit);
}
