// Everything known about one device in a snapshot, for its detail table (pure).
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import type { Topology } from './graph.ts';
import { endNode } from './graph.ts';
import type { DeviceDetails } from '@netspotter/shared/api';
import { modelOf } from '@netspotter/shared/snmp/vendor';
import { devicePorts, nodeLabel } from './device-ports.ts';
import { resolveLocalPort } from '../discovery/topology/ports.ts';

export function deviceDetails(
  t: Topology,
  deviceId: string,
  facts: DeviceFacts[],
  opts: { fdbLimit: number },
): DeviceDetails | undefined {
  const device = t.devices.find((d) => d.id === deviceId);
  if (!device) return undefined;
  const f = facts[0];
  const all = <T>(pick: (x: DeviceFacts) => T[]) => facts.flatMap(pick);
  const fdb = all((x) => x.bridge.fdb);
  const neighbours = all((x) => x.neighbors);
  const portName = (ifIndex: number | undefined) => {
    const i = f?.interfaces.find((x) => x.ifIndex === ifIndex);
    return i ? i.ifName || i.ifDescr : undefined;
  };
  const model = modelOf(f?.system.sysDescr ?? device.sysDescr);
  return {
    ...device,
    role: t.roles[deviceId] ?? 'host',
    ...(model && { model }),
    system: f?.system ?? {},
    interfaces: f?.interfaces ?? device.interfaces,
    ports: devicePorts(t, deviceId, facts),
    addressTable: all((x) => x.addresses),
    // Neighbours with the local port's name (LLDP numbers ports its own way; the link builder mapped them).
    lldpNeighbors: all((x) => x.lldp.remotes).map((r) => ({
      ...r,
      localPort: portName(
        r.localIfIndex ??
          (f && r.localPortNum !== undefined ? resolveLocalPort(f, r.localPortNum)?.ifIndex : undefined),
      ),
    })),
    cdpNeighbors: all((x) => x.cdp.entries).map((c) => ({ ...c, localPort: portName(c.ifIndex) })),
    fdb: fdb.slice(0, opts.fdbLimit),
    fdbTotal: fdb.length,
    ipv6Neighbors: neighbours.filter((n) => n.family === 'ipv6'),
    ipv4Neighbors: neighbours.filter((n) => n.family === 'ipv4'),
    routes: all((x) => x.routes),
    vlans: f?.vlans,
    spanningTree: f?.stp,
    links: t.links
      .filter((l) => l.a.device === deviceId || endNode(l.b) === deviceId)
      .map((l) => ({
        ...l,
        aLabel: nodeLabel(t, l.a.device).label,
        bLabel: nodeLabel(t, endNode(l.b) ?? '').label,
      })),
    hosts: t.hosts.filter((h) => h.device === deviceId),
    multicast: {
      groups: t.multicast.groups
        .map((g) => ({ group: g.group, listeners: g.listeners.filter((l) => l.device === deviceId) }))
        .filter((g) => g.listeners.length > 0),
      routes: t.multicast.routes.filter((r) => r.device === deviceId),
      pimNeighbors: t.multicast.pimNeighbors.filter((p) => p.device === deviceId),
      snooping: f?.multicast.snooping,
    },
    report: t.report.filter((r) => r.device === deviceId),
  };
}
