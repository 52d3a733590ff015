// What a device is, for the topology's node shapes: judged from what it does, not what it says.
import { isNonIdentifying, networkOf } from '@netspotter/shared';
import type { NodeRole } from '@netspotter/shared/api';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';

/** sysServices bit for the internet layer (RFC 3418): the box says it forwards IP. */
const SERVICES_INTERNET = 4;
/** inetCidrRouteType remote(4): a route through a next hop. */
const ROUTE_REMOTE = 4;
/** ifType softwareLoopback(24). */
const LOOPBACK = 24;

/**
 * Interfaces holding their own subnet (loopbacks, host routes and internal addresses aside): the
 * interfaces IP is routed between. An access switch has one, for management.
 */
function routedInterfaces(f: DeviceFacts): number {
  const loopbacks = new Set(f.interfaces.filter((i) => i.ifType === LOOPBACK).map((i) => i.ifIndex));
  const bySubnet = new Map<string, number>();
  for (const a of f.addresses) {
    const host = a.family === 'ipv4' ? 32 : 128;
    if (a.ifIndex === undefined || loopbacks.has(a.ifIndex) || isNonIdentifying(a.address)) continue;
    if (a.prefixLength === undefined || a.prefixLength >= host) continue;
    const subnet = networkOf(a.address, a.prefixLength);
    if (subnet) bySubnet.set(subnet, a.ifIndex);
  }
  return new Set(bySubnet.values()).size;
}

/**
 * Multicast routing state or remote routes beyond a default route make a router; so do more routed
 * interfaces than bridge ports (a Juniper MX bridges a few ports but routes between many). A bridge
 * (FDB or bridge ports) otherwise makes a switch, even with a default route for its management; the
 * sysServices IP bit makes a router; anything else is a host.
 */
export function deviceRole(facts: DeviceFacts[]): NodeRole {
  if (facts.some((f) => f.multicast.routes.length > 0 || f.multicast.pimNeighbors.length > 0))
    return 'router';
  if (facts.some((f) => f.routes.some((r) => r.type === ROUTE_REMOTE && r.prefixLength > 0))) return 'router';
  const bridgePorts = Math.max(0, ...facts.map((f) => Object.keys(f.bridge.portIfIndex).length));
  const routed = Math.max(0, ...facts.map(routedInterfaces));
  if (routed >= 2 && routed > bridgePorts) return 'router';
  if (bridgePorts > 0 || facts.some((f) => f.bridge.fdb.length > 0)) return 'switch';
  if (facts.some((f) => ((f.system.sysServices ?? 0) & SERVICES_INTERNET) !== 0)) return 'router';
  return 'host';
}
