// Which hops of an expected path the localisation poller can read (pure): a hop is polled when its device
// answered discovery through a stored target that has a credential. The last hop's MGMD listener row for
// the group is read too when its device held MGMD rows on the snapshot (a device that serves none, or
// keeps its listeners in another table, would read as one without the listener). Beyond `maxDevices` hops the ones
// farthest from the receiver are left out: a stop is found by comparing a hop with the one before it, and
// the receiver's end of the path is where that comparison matters most.
import type { ExpectedPath, PortRef } from '@netspotter/shared/api';

export interface PlannedPoint {
  device: string;
  inInterface?: string;
  outInterface?: string;
  inIfIndex?: number;
  outIfIndex?: number;
  /** The stored target (by its `address[:port]` label) the hop is read through. */
  target: string;
  /** Last hop: the group whose listener row on the out interface is read. */
  listenerGroup?: string;
  /** Router hops: the flow whose route (packets, next hop state) is read; the source only on an (S,G) tree. */
  route?: { group: string; source?: string };
}

export interface HopPlan {
  hops: PlannedPoint[];
  /** Hops left out, with why (shown nowhere secret: device ids and reasons only). */
  skipped: string[];
}

const portLabel = (p: PortRef) => p.ifName ?? `ifIndex ${p.ifIndex}`;
/** `address[:port] #N` names one of several credentials on an address: the address is what matters. */
const bare = (label: string) => label.replace(/ #\d+$/, '');

const routeOf = (path: ExpectedPath) => ({
  group: path.flow.group,
  ...(path.tree === '(S,G)' && path.flow.source && { source: path.flow.source }),
});

export function planHops(
  path: ExpectedPath,
  deviceTargets: (device: string) => readonly string[],
  polled: ReadonlySet<string>,
  maxDevices: number,
  listensOn: (device: string) => boolean = () => false,
): HopPlan {
  const skipped: string[] = [];
  const hops: PlannedPoint[] = [];
  for (const h of path.hops) {
    const target = deviceTargets(h.device)
      .map(bare)
      .find((t) => polled.has(t));
    if (!target) {
      skipped.push(`${h.device}: no stored target with a credential reaches it`);
      continue;
    }
    // A hop with several outgoing ports: the path toward one receiver leaves by the first.
    const out = h.out[0];
    const last = h === path.hops.at(-1);
    hops.push({
      device: h.device,
      target,
      ...(h.in && { inInterface: portLabel(h.in), inIfIndex: h.in.ifIndex }),
      ...(out && { outInterface: portLabel(out), outIfIndex: out.ifIndex }),
      ...(last && out && listensOn(h.device) && { listenerGroup: path.flow.group }),
      ...(h.kind === 'router' && { route: routeOf(path) }),
    });
  }
  const over = hops.length - maxDevices;
  if (over > 0)
    for (const h of hops.splice(0, over))
      skipped.push(`${h.device}: over the limit of ${maxDevices} devices`);
  return { hops, skipped };
}
