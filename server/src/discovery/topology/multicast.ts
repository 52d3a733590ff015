// Multicast overlay: listeners per group and interface, (S,G)/(*,G) routes with iif/oifs, PIM
// neighbours, snooping state per switch and VLAN, and per-(S,G) distribution trees laid over the L2/L3 links.
import type {
  DistributionTree,
  Link,
  MulticastGroup,
  MulticastOverlay,
  MulticastRoute,
  SnoopingState,
  TreeEdge,
} from '../result.ts';
import type { Device } from './identity.ts';
import { forwards, l2Path, type PortOn } from './l2-path.ts';
import { ifName } from './ports.ts';
import { portVlanViews } from './vlans.ts';

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
    const accessVlan = portVlanViews(d.facts);
    for (const l of d.facts.multicast.listeners) {
      const g = groups.get(l.group) ?? { group: l.group, listeners: [] };
      const entry: MulticastGroup['listeners'][number] = { device: d.id, ifIndex: l.ifIndex };
      const n = ifName(d.facts, l.ifIndex);
      if (n) entry.ifName = n;
      // The snooping switch's own VLAN for it, else the VLAN of the access port it is on.
      const vlan = l.vlan ?? accessVlan.get(l.ifIndex)?.access;
      if (vlan !== undefined) entry.vlan = vlan;
      if (l.lastReporter) entry.lastReporter = l.lastReporter;
      if (l.sources) entry.sources = l.sources;
      entry.mib = l.mib;
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

  // Where a source address sits: the device owning it and the interface it is on.
  const hosts = new Map<string, TreePort>();
  for (const d of devices)
    for (const a of d.facts.addresses) hosts.set(a.address, { device: d.id, ifIndex: a.ifIndex });

  const bridges = new Set(devices.filter(isBridge).map((d) => d.id));
  const snooping = devices.flatMap((d) => snoopingOf(d));
  return {
    groups: [...groups.values()],
    routes,
    pimNeighbors,
    trees: buildTrees(routes, [...groups.values()], links, {
      hostOf: (a) => hosts.get(a),
      isBridge: (id) => bridges.has(id),
    }),
    ...(snooping.length > 0 && { snooping }),
  };
}

function snoopingOf(d: Device): SnoopingState[] {
  const s = d.facts.multicast.snooping;
  return (s?.vlans ?? []).map((v) => ({
    device: d.id,
    mib: s!.mib,
    ...v,
    routerPorts: v.routerPorts.map((ifIndex) => {
      const n = ifName(d.facts, ifIndex);
      return n ? { ifIndex, ifName: n } : { ifIndex };
    }),
  }));
}

/** A device that bridges: it reports bridge ports, a forwarding table or VLAN membership. */
const isBridge = (d: Device): boolean =>
  Object.keys(d.facts.bridge.portIfIndex).length > 0 ||
  d.facts.bridge.fdb.length > 0 ||
  (d.facts.vlans?.ports.length ?? 0) > 0;

type TreePort = PortOn;

/**
 * The far end of a link leaving (device, ifIndex), preferring L2 evidence over L3; L2 links that do not
 * forward the tree's VLAN (spanning tree blocks them there) are not taken.
 */
function peerOf(links: Link[], device: string, ifIndex: number, vlan?: number): TreePort | undefined {
  const candidates = links
    .filter(
      (l) =>
        l.b.device &&
        (l.layer !== 'l2' || forwards(l, vlan)) &&
        ((l.a.device === device && l.a.ifIndex === ifIndex) ||
          (l.b.device === device && l.b.ifIndex === ifIndex)),
    )
    .sort((x, y) => (x.layer === y.layer ? 0 : x.layer === 'l2' ? -1 : 1));
  const l = candidates[0];
  if (!l) return undefined;
  const far = l.a.device === device && l.a.ifIndex === ifIndex ? l.b : l.a;
  const out: TreePort = { device: far.device! };
  if (far.ifIndex !== undefined) out.ifIndex = far.ifIndex;
  return out;
}

/** The one VLAN a tree's listeners (for its source, when they name sources) are in, if they agree. */
function treeVlan(group: string, source: string | undefined, groups: MulticastGroup[]): number | undefined {
  const listeners = groups.find((g) => g.group === group)?.listeners ?? [];
  const vlans = new Set(
    listeners
      .filter((l) => !source || !l.sources || l.sources.includes(source))
      .flatMap((l) => (l.vlan === undefined ? [] : [l.vlan])),
  );
  return vlans.size === 1 ? [...vlans][0] : undefined;
}

export interface TreeContext {
  /** Where a source address sits: the device owning it and its interface. */
  hostOf?: (address: string) => TreePort | undefined;
  /** Devices that bridge: a tree's L2 part may pass through them to reach their listeners. */
  isBridge?: (device: string) => boolean;
}

/**
 * One tree per (S,G)/(*,G): each router's oifs lead to the next router over a link, or to listeners; its
 * incoming interface leads back to the upstream router, or (static routes name none) to the link's far
 * end. The L2 part comes from the source's own attachment and from snooping switches (no route of their
 * own): their listener ports, for this source when they track sources (MLDv2), lead on. A snooping switch
 * not yet on the tree is reached over the fewest-hop L2 path through bridges. A tree whose listeners are in
 * one VLAN runs in that VLAN: links spanning tree blocks there are not taken.
 * An (S,G) that snooping listeners name but no router routes gets its L2 part alone.
 */
export function buildTrees(
  routes: MulticastRoute[],
  groups: MulticastGroup[],
  links: Link[],
  ctx: TreeContext = {},
): DistributionTree[] {
  const hostOf = ctx.hostOf ?? (() => undefined);
  const isBridge = ctx.isBridge ?? (() => false);
  const trees = new Map<string, { tree: DistributionTree; routers: Set<string> }>();
  const newTree = (group: string, source: string | undefined): DistributionTree => {
    const vlan = treeVlan(group, source, groups);
    return { group, ...(source && { source }), ...(vlan !== undefined && { vlan }), edges: [] };
  };
  for (const r of routes) {
    const key = `${r.source ?? '*'}|${r.group}`;
    const entry = trees.get(key) ?? { tree: newTree(r.group, r.source), routers: new Set<string>() };
    entry.routers.add(r.device);
    trees.set(key, entry);
  }
  for (const r of routes) {
    const { tree, routers } = trees.get(`${r.source ?? '*'}|${r.group}`)!;
    const listeners = groups.find((g) => g.group === r.group)?.listeners ?? [];
    for (const o of r.oifs) {
      const edge: TreeEdge = { from: { device: r.device, ifIndex: o.ifIndex }, to: {} };
      const peer = peerOf(links, r.device, o.ifIndex, tree.vlan);
      if (peer) edge.to = { ...peer };
      const here = listeners.filter((l) => l.device === r.device && l.ifIndex === o.ifIndex).length;
      if (here > 0) edge.to.listeners = here;
      tree.edges.push(edge);
    }
    if (r.inIfIndex === undefined) continue;
    const up = r.upstreamDevice
      ? { device: r.upstreamDevice }
      : peerOf(links, r.device, r.inIfIndex, tree.vlan);
    // An upstream router with its own route for this tree already leads here through its oifs.
    if (up && !routers.has(up.device))
      tree.edges.push({ from: up, to: { device: r.device, ifIndex: r.inIfIndex } });
  }
  // An SSM listener names its sources: where no router routes (S,G) (a bridged network, or routers that
  // did not answer), the tree is the L2 one from the source's attachment to the snooping listener ports.
  const bridgedOnly = new Set<string>();
  for (const g of groups)
    for (const s of g.listeners.flatMap((l) => l.sources ?? [])) {
      const key = `${s}|${g.group}`;
      if (trees.has(key)) continue;
      trees.set(key, { tree: newTree(g.group, s), routers: new Set() });
      bridgedOnly.add(key);
    }
  for (const { tree, routers } of trees.values()) {
    const src = tree.source ? hostOf(tree.source) : undefined;
    if (src?.ifIndex !== undefined && !routers.has(src.device)) {
      const peer = peerOf(links, src.device, src.ifIndex, tree.vlan);
      if (peer) tree.edges.push({ from: src, to: peer });
    }
    const onTree = new Set(tree.edges.flatMap((e) => [e.from.device, e.to.device]));
    onTree.delete(undefined);
    const used = new Set(
      tree.edges.flatMap((e) => [`${e.from.device}|${e.from.ifIndex}`, `${e.to.device}|${e.to.ifIndex}`]),
    );
    const listeners = groups.find((g) => g.group === tree.group)?.listeners ?? [];
    for (const l of listeners) {
      if (routers.has(l.device) || used.has(`${l.device}|${l.ifIndex}`)) continue;
      if (tree.source && l.sources && !l.sources.includes(tree.source)) continue;
      if (!onTree.has(l.device)) {
        const path =
          onTree.size > 0 && isBridge(l.device)
            ? l2Path(links, onTree as Set<string>, l.device, tree.vlan, isBridge)
            : undefined;
        if (!path) continue;
        for (const hop of path) {
          tree.edges.push({ from: hop.from, to: hop.to });
          onTree.add(hop.to.device);
          for (const p of [hop.from, hop.to]) used.add(`${p.device}|${p.ifIndex}`);
        }
      }
      const peer = peerOf(links, l.device, l.ifIndex, tree.vlan);
      tree.edges.push({ from: { device: l.device, ifIndex: l.ifIndex }, to: { ...peer, listeners: 1 } });
    }
  }
  // A bridged-only tree whose source no polled device holds leads nowhere: it is not a tree.
  return [...trees]
    .filter(([key, t]) => !bridgedOnly.has(key) || t.tree.edges.length > 0)
    .map(([, t]) => t.tree);
}
