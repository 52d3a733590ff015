// Pure assembly of the discovery result from per-target facts: identity, L2 (LLDP/CDP, STP, FDB), L3, multicast.
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import type { DeviceSummary, DiscoveryResult, Link } from '../result.ts';
import { vendorOf } from '@netspotter/shared/snmp/vendor';
import { attachHosts, inferFdbLinks } from './fdb.ts';
import { mergeDevices, type Device } from './identity.ts';
import {
  buildL2Links,
  cdpObservations,
  DeviceIndex,
  lldpObservations,
  type Observation,
} from './l2-links.ts';
import { buildL3Links } from './l3.ts';
import { rollUpAggregates, withMemberLinks } from './lag-rollup.ts';
import { buildMulticast } from './multicast.ts';
import { onePerPort } from './port-units.ts';
import { annotateStp, inferStpLinks } from './stp.ts';
import { annotateVlans } from './vlans.ts';

export type Topology = Omit<
  DiscoveryResult,
  'startedAt' | 'finishedAt' | 'unreachable' | 'report' | 'facts'
> & {
  /** Device id per target, for the run report. */
  deviceOfTarget: Record<string, string>;
};

export function buildTopology(facts: DeviceFacts[]): Topology {
  const devices = mergeDevices(facts);
  const index = new DeviceIndex(devices);
  const observations = [...lldpObservations(index), ...cdpObservations(index)];
  const l2 = buildL2Links(observations);
  // Links on logical units count on their ports before spanning tree looks for the links it confirms.
  const found = onePerPort(devices, l2.links);
  const stpLinks = inferStpLinks(index, found);
  const fdbLinks = inferFdbLinks(devices, [...found, ...stpLinks]);
  const l2Links: Link[] = annotateStp(
    devices,
    annotateVlans(
      devices,
      rollUpAggregates(devices, onePerPort(devices, [...found, ...stpLinks, ...fdbLinks])),
    ),
  );
  const l3Links = buildL3Links(devices);
  const links = [...l2Links, ...l3Links];
  // Grouped once: a filter over every observation per device was devices × observations.
  const observationsBy = new Map<Device, Observation[]>();
  for (const o of observations) {
    const list = observationsBy.get(o.from.device);
    if (list) list.push(o);
    else observationsBy.set(o.from.device, [o]);
  }
  const deviceOfTarget: Record<string, string> = {};
  for (const d of devices) for (const m of d.members) deviceOfTarget[m.target] = d.id;
  return {
    devices: devices.map(summarise),
    unmanaged: l2.unmanaged,
    segments: l2.segments,
    links,
    hosts: attachHosts(devices, withMemberLinks(l2Links)),
    neighbors: Object.fromEntries(
      devices.map((d) => [d.id, neighbourCounts(d, observationsBy.get(d) ?? [])]),
    ),
    multicast: buildMulticast(devices, withMemberLinks(links)),
    deviceOfTarget,
  };
}

/**
 * Neighbour-table sizes: IPv6/IPv4 cache entries (one per interface and address), FDB entries mapped to
 * a port, and LLDP/CDP neighbours mapped to a local port (one per port, neighbour and remote port), from
 * the device's own observations.
 */
function neighbourCounts(d: Device, observations: Observation[]): DiscoveryResult['neighbors'][string] {
  const n = d.facts.neighbors;
  const distinct = (e: Observation['evidence']) =>
    new Set(
      observations
        .filter((o) => o.evidence === e)
        .map((o) => `${o.from.ifIndex}|${o.neighborKey}|${o.port ?? ''}`),
    ).size;
  return {
    ipv6: n.filter((x) => x.family === 'ipv6').length,
    ipv4: n.filter((x) => x.family === 'ipv4').length,
    fdb: d.facts.bridge.fdb.filter((e) => e.ifIndex !== undefined).length,
    lldp: distinct('lldp'),
    cdp: distinct('cdp'),
  };
}

function summarise(d: Device): DeviceSummary {
  const s = d.facts.system;
  const out: DeviceSummary = {
    id: d.id,
    addresses: [...d.addresses].sort(),
    targets: d.members.map((m) => m.target),
    interfaces: d.facts.interfaces.map((i) => {
      const x: DeviceSummary['interfaces'][number] = { ifIndex: i.ifIndex };
      if (i.ifName) x.ifName = i.ifName;
      if (i.ifDescr) x.ifDescr = i.ifDescr;
      if (i.ifAlias) x.ifAlias = i.ifAlias;
      if (i.mac) x.mac = i.mac;
      if (i.adminStatus !== undefined) x.adminStatus = i.adminStatus;
      if (i.operStatus !== undefined) x.operStatus = i.operStatus;
      if (i.rawNames) x.flagged = Object.keys(i.rawNames);
      return x;
    }),
  };
  if (s.sysName !== undefined) out.sysName = s.sysName;
  if (s.sysObjectID) out.sysObjectID = s.sysObjectID;
  if (s.sysDescr) out.sysDescr = s.sysDescr;
  const vendor = vendorOf(s.sysObjectID);
  if (vendor) out.vendor = vendor;
  if (d.chassisId) out.chassisId = d.chassisId;
  if (d.facts.bridge.baseAddress) out.bridgeAddress = d.facts.bridge.baseAddress;
  if (s.sysLocation) out.sysLocation = s.sysLocation;
  if (s.rawNames) out.flagged = Object.keys(s.rawNames);
  if (d.facts.vlans && d.facts.vlans.vlans.length > 0) out.vlans = d.facts.vlans.vlans;
  return out;
}
