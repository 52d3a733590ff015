// Multicast overlay: listeners per group and interface, (S,G)/(*,G) routes with iif/oifs, PIM
// neighbours, and per-(S,G) distribution trees laid over the L2/L3 links.
import type {
  DistributionTree,
  Link,
  MulticastGroup,
  MulticastOverlay,
  MulticastRoute,
  TreeEdge,
} from '../result.ts';
import type { Device } from './identity.ts';
import { ifName } from './ports.ts';

export function buildMulticast(devices: Device[], links: Link[]): MulticastOverlay {
  const owner = new Map<string, Device>();
  for (const d of devices) for (const a of d.facts.addresses) owner.set(a.address, d);
  // Link-local PIM neighbours/upstreams are mapped to devices through the ND/ARP MAC → device MAC.
  const macOwner = new Map<string, Device>();
  for (const d of devices) for (const m of d.macs) macOwner.set(m, d);
  const resolve = (d: Device, address: string | undefined): Device | undefined => {
    if (!address) return undefined;
    const direct = owner.get(address);
    if (direct) return direct;
    const mac = d.facts.neighbors.find((n) => n.address === address)?.mac;
    return mac ? macOwner.get(mac) : undefined;
  };

  const groups = new Map<string, MulticastGroup>();
  for (const d of devices) {
    for (const l of d.facts.multicast.listeners) {
      const g = groups.get(l.group) ?? { group: l.group, listeners: [] };
      const entry: MulticastGroup['listeners'][number] = { device: d.id, ifIndex: l.ifIndex };
      const n = ifName(d.facts, l.ifIndex);
      if (n) entry.ifName = n;
      if (l.lastReporter) entry.lastReporter = l.lastReporter;
      if (l.sources) entry.sources = l.sources;
      g.listeners.push(entry);
      groups.set(l.group, g);
    }
  }

  const routes: MulticastRoute[] = [];
  for (const d of devices) {
    for (const r of d.facts.multicast.routes) {
      const route: MulticastRoute = {
        device: d.id,
        group: r.group,
        groupPrefixLength: r.groupPrefixLength,
        oifs: r.nextHops
          .filter((h) => h.state !== 1)
          .map((h) => {
            const o: MulticastRoute['oifs'][number] = { ifIndex: h.ifIndex };
            const n = ifName(d.facts, h.ifIndex);
            if (n) o.ifName = n;
            if (h.state !== undefined) o.state = h.state;
            return o;
          }),
      };
      if (r.source) route.source = r.source;
      if (r.inIfIndex !== undefined) {
        route.inIfIndex = r.inIfIndex;
        const n = ifName(d.facts, r.inIfIndex);
        if (n) route.inIfName = n;
      }
      if (r.upstream) {
        route.upstream = r.upstream;
        const up = resolve(d, r.upstream);
        if (up) route.upstreamDevice = up.id;
      }
      if (r.pkts) route.pkts = r.pkts;
      if (r.octets) route.octets = r.octets;
      routes.push(route);
    }
  }

  const pimNeighbors = devices.flatMap((d) =>
    d.facts.multicast.pimNeighbors.map((p) => {
      const entry: MulticastOverlay['pimNeighbors'][number] = {
        device: d.id,
        ifIndex: p.ifIndex,
        address: p.address,
      };
      const nb = resolve(d, p.address);
      if (nb) entry.neighborDevice = nb.id;
      return entry;
    }),
  );

  return {
    groups: [...groups.values()],
    routes,
    pimNeighbors,
    trees: buildTrees(routes, [...groups.values()], links),
  };
}

/** The far end of a link leaving (device, ifIndex), preferring L2 evidence over L3. */
function peerOf(
  links: Link[],
  device: string,
  ifIndex: number,
): { device: string; ifIndex?: number } | undefined {
  const candidates = links
    .filter(
      (l) =>
        l.b.device &&
        ((l.a.device === device && l.a.ifIndex === ifIndex) ||
          (l.b.device === device && l.b.ifIndex === ifIndex)),
    )
    .sort((x, y) => (x.layer === y.layer ? 0 : x.layer === 'l2' ? -1 : 1));
  const l = candidates[0];
  if (!l) return undefined;
  const far = l.a.device === device && l.a.ifIndex === ifIndex ? l.b : l.a;
  const out: { device: string; ifIndex?: number } = { device: far.device! };
  if (far.ifIndex !== undefined) out.ifIndex = far.ifIndex;
  return out;
}

/** One tree per (S,G)/(*,G): each router's oifs lead to the next router over a link, or to listeners. */
export function buildTrees(
  routes: MulticastRoute[],
  groups: MulticastGroup[],
  links: Link[],
): DistributionTree[] {
  const trees = new Map<string, DistributionTree>();
  for (const r of routes) {
    const key = `${r.source ?? '*'}|${r.group}`;
    const tree = trees.get(key) ?? { group: r.group, edges: [] };
    if (r.source) tree.source = r.source;
    trees.set(key, tree);
    const listeners = groups.find((g) => g.group === r.group)?.listeners ?? [];
    for (const o of r.oifs) {
      const edge: TreeEdge = { from: { device: r.device, ifIndex: o.ifIndex }, to: {} };
      const peer = peerOf(links, r.device, o.ifIndex);
      if (peer) edge.to = { ...peer };
      const here = listeners.filter((l) => l.device === r.device && l.ifIndex === o.ifIndex).length;
      if (here > 0) edge.to.listeners = here;
      tree.edges.push(edge);
    }
    if (r.inIfIndex !== undefined && r.upstreamDevice) {
      const hasUpstreamRoute = routes.some(
        (u) => u.device === r.upstreamDevice && u.group === r.group && u.source === r.source,
      );
      if (!hasUpstreamRoute)
        tree.edges.push({
          from: { device: r.upstreamDevice },
          to: { device: r.device, ifIndex: r.inIfIndex },
        });
    }
  }
  return [...trees.values()];
}
