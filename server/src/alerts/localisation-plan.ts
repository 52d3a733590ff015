// Which devices on the expected paths toward a flow's receivers the localisation poller reads, and which
// of their ports (pure). A device is polled when it answered discovery through a stored target that has a
// credential. Where the paths branch at a device (receivers behind different ports of one switch, a
// route with several outgoing interfaces toward them) it carries one out point per port, all read in the
// same request, so the rule can tell which branch stopped. The last hop's listener row for the group is
// read too when its device held listener rows on the snapshot, from the table they came from (MGMD-STD-MIB
// or MLD-MIB; a device that serves none would read as one without the listener). Beyond `maxDevices`
// devices the ones farthest from every receiver are left out: a stop is found by comparing a hop with
// the one before it, and the receivers' end of the paths is where that comparison matters most.
import type { ExpectedPath, PortRef } from '@netspotter/shared/api';

export type ListenerMib = 'mgmd' | 'mld';

/** One out point of a device: a port toward one or more receivers. */
export interface PlannedPort {
  outInterface?: string;
  outIfIndex?: number;
  /** Last hop: the group whose listener row on the port is read, and the table it is read from. */
  listenerGroup?: string;
  listenerMib?: ListenerMib;
}

export interface PlannedDevice {
  device: string;
  /** The stored target (by its `address[:port]` label) the device is read through. */
  target: string;
  inInterface?: string;
  inIfIndex?: number;
  /** Router hops: the flow whose route (packets, next hop state) is read; the source only on an (S,G) tree. */
  route?: { group: string; source?: string };
  /** Never empty: a hop without a known out port has one port with no interface. */
  ports: PlannedPort[];
}

/** One receiver's path as indexes into the plan's devices and their ports, source side first. */
export interface PlannedPath {
  receiver: string;
  hops: { device: number; port: number }[];
}

export interface HopPlan {
  devices: PlannedDevice[];
  paths: PlannedPath[];
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
  paths: readonly { receiver: string; path: ExpectedPath }[],
  deviceTargets: (device: string) => readonly string[],
  polled: ReadonlySet<string>,
  maxDevices: number,
  listensOn: (device: string) => ListenerMib | undefined = () => undefined,
): HopPlan {
  const skipped = new Set<string>();
  const devices: PlannedDevice[] = [];
  /** Per device, its fewest hops to any receiver (0: a last hop). */
  const distance: number[] = [];
  const planned: PlannedPath[] = [];
  for (const { receiver, path } of paths) {
    const hops: PlannedPath['hops'] = [];
    path.hops.forEach((h, i) => {
      const target = deviceTargets(h.device)
        .map(bare)
        .find((t) => polled.has(t));
      if (!target) return skipped.add(`${h.device}: no stored target with a credential reaches it`);
      // The path toward one receiver leaves a hop by one port; other receivers' paths add theirs.
      const out = h.out[0];
      const last = i === path.hops.length - 1;
      const mib = last && out ? listensOn(h.device) : undefined;
      const port: PlannedPort = {
        ...(out && { outInterface: portLabel(out), outIfIndex: out.ifIndex }),
        ...(mib && { listenerGroup: path.flow.group, listenerMib: mib }),
      };
      // A device entered by another port on another path is another pair of points (the same device
      // for the rate bound and the device limit).
      let d = devices.findIndex((x) => x.device === h.device && x.inIfIndex === h.in?.ifIndex);
      if (d < 0) {
        d =
          devices.push({
            device: h.device,
            target,
            ...(h.in && { inInterface: portLabel(h.in), inIfIndex: h.in.ifIndex }),
            ...(h.kind === 'router' && { route: routeOf(path) }),
            ports: [],
          }) - 1;
        distance[d] = Infinity;
      }
      distance[d] = Math.min(distance[d]!, path.hops.length - 1 - i);
      const ports = devices[d]!.ports;
      let p = ports.findIndex((x) => x.outIfIndex === port.outIfIndex);
      if (p < 0) p = ports.push(port) - 1;
      else if (port.listenerGroup) Object.assign(ports[p]!, port);
      hops.push({ device: d, port: p });
    });
    planned.push({ receiver, hops });
  }
  // The device limit counts devices, not ports or in points: keep those nearest a receiver.
  const names = [...new Set(devices.map((d) => d.device))];
  const nearest = (n: string) =>
    Math.min(...devices.flatMap((d, i) => (d.device === n ? [distance[i]!] : [])));
  const kept = new Set([...names].sort((a, b) => nearest(a) - nearest(b)).slice(0, maxDevices));
  for (const n of names) if (!kept.has(n)) skipped.add(`${n}: over the limit of ${maxDevices} devices`);
  const index = new Map<number, number>();
  const out: PlannedDevice[] = [];
  devices.forEach((d, i) => kept.has(d.device) && index.set(i, out.push(d) - 1));
  return {
    devices: out,
    paths: planned.map((p) => ({
      receiver: p.receiver,
      hops: p.hops.flatMap((h) => (index.has(h.device) ? [{ ...h, device: index.get(h.device)! }] : [])),
    })),
    skipped: [...skipped],
  };
}
