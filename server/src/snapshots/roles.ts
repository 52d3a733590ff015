// What a device is, for the topology's node shapes: judged from what it does, not what it says.
import type { NodeRole } from '@netspotter/shared/api';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';

/** sysServices bit for the internet layer (RFC 3418): the box says it forwards IP. */
const SERVICES_INTERNET = 4;
/** inetCidrRouteType remote(4): a route through a next hop. */
const ROUTE_REMOTE = 4;

/**
 * Multicast routing state makes a router; a bridge (FDB or bridge ports) makes a switch, even with a
 * default route for its management; remote routes beyond a default route, or the sysServices bit,
 * make a router; anything else is a host.
 */
export function deviceRole(facts: DeviceFacts[]): NodeRole {
  if (facts.some((f) => f.multicast.routes.length > 0 || f.multicast.pimNeighbors.length > 0))
    return 'router';
  if (facts.some((f) => Object.keys(f.bridge.portIfIndex).length > 0 || f.bridge.fdb.length > 0))
    return 'switch';
  const routes = facts.some((f) => f.routes.some((r) => r.type === ROUTE_REMOTE && r.prefixLength > 0));
  if (routes || facts.some((f) => ((f.system.sysServices ?? 0) & SERVICES_INTERNET) !== 0)) return 'router';
  return 'host';
}
