// Where a MAC lives, as Netdisco answers it: of every switch port that learned it, the edge port — one
// with no neighbour at all first, then one whose neighbour we do not poll (a phone, an unpolled switch);
// a port to another polled device is an uplink. When the MAC is only seen on uplinks, follow each uplink
// to the switch on its other end and look there, until a switch learns it on an edge port or the next
// switch did not learn it (then it lives behind the last uplink, on that switch itself or beyond) (pure).
import type { Topology } from './graph.ts';
import { endNode } from './graph.ts';

export interface Sighting {
  device: string;
  ifIndex: number;
  ifName?: string;
  vlan?: number;
  /** MACs learned on that port: an edge port has few, an uplink many. */
  macsOnPort: number;
}

export interface Location {
  /** The edge ports (or, failing that, the last uplink followed), best first. */
  edge: Sighting[];
  /** Whether `edge` are edge ports; false: the MAC lives behind an uplink to an unpolled part. */
  edgeFound: boolean;
  /** The sightings followed to get there (first seen first). */
  path: Sighting[];
  /** Not an edge: the polled device across the last uplink, which did not learn the MAC (its own, or beyond it). */
  towards?: { device: string; ifIndex?: number };
}

const key = (device: string, ifIndex: number | undefined) => `${device}#${ifIndex}`;

export function locateMac(t: Topology, sightings: Sighting[]): Location {
  // Each uplink port → the device and port on its other end (aggregates and their members alike).
  const across = new Map<string, { device: string; ifIndex?: number }>();
  for (const l of t.links) {
    const b = l.b.device;
    if (l.layer !== 'l2' || !b) continue;
    const pairs: Array<[{ ifIndex?: number }, { ifIndex?: number }]> = [
      [l.a, l.b],
      ...(l.members ?? []).map((m): [{ ifIndex?: number }, { ifIndex?: number }] => [m.a, m.b]),
    ];
    for (const [x, y] of pairs) {
      across.set(key(l.a.device, x.ifIndex), {
        device: b,
        ...(y.ifIndex !== undefined && { ifIndex: y.ifIndex }),
      });
      across.set(key(b, y.ifIndex), {
        device: l.a.device,
        ...(x.ifIndex !== undefined && { ifIndex: x.ifIndex }),
      });
    }
  }
  // Ports towards unpolled neighbours and segments (hubs): the MAC is there or behind it.
  const toUnpolled = new Set(
    t.links
      .filter((l) => l.layer === 'l2' && !l.b.device && endNode(l.b))
      .map((l) => key(l.a.device, l.a.ifIndex)),
  );
  const rank = (s: Sighting) =>
    across.has(key(s.device, s.ifIndex)) ? 2 : toUnpolled.has(key(s.device, s.ifIndex)) ? 1 : 0;
  const isUplink = (s: Sighting) => rank(s) === 2;
  const byFewest = (a: Sighting, b: Sighting) => rank(a) - rank(b) || a.macsOnPort - b.macsOnPort;
  const edges = sightings.filter((s) => !isUplink(s)).sort(byFewest);
  if (edges.length) return { edge: edges, edgeFound: true, path: [edges[0]!] };
  if (sightings.length === 0) return { edge: [], edgeFound: false, path: [] };
  // Follow uplinks away from where it was seen: at each switch, the port that does not lead back.
  const path: Sighting[] = [];
  const visited = new Set<string>();
  let at: Sighting | undefined = [...sightings].sort(byFewest)[0];
  let towards: { device: string; ifIndex?: number } | undefined;
  while (at && !visited.has(at.device)) {
    visited.add(at.device);
    path.push(at);
    const other = across.get(key(at.device, at.ifIndex));
    if (!other) break;
    towards = other;
    const back = key(other.device, other.ifIndex);
    const next: Sighting | undefined = sightings
      .filter((s) => s.device === other.device && key(s.device, s.ifIndex) !== back)
      .sort(byFewest)[0];
    if (!next) break;
    towards = undefined;
    if (!isUplink(next)) return { edge: [next], edgeFound: true, path: [...path, next] };
    at = next;
  }
  return { edge: [path.at(-1)!], edgeFound: false, path, ...(towards && { towards }) };
}
