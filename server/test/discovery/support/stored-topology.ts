// A discovery result in the shape a snapshot stores it (without raw facts, with each device's role).
import type { DiscoveryResult } from '../../../src/discovery/result.ts';
import type { Topology } from '../../../src/snapshots/graph.ts';
import { deviceRole } from '../../../src/snapshots/roles.ts';

export function storedTopology(r: DiscoveryResult): Topology {
  const { facts = [], ...rest } = r;
  const roles = Object.fromEntries(
    r.devices.map((d) => [d.id, deviceRole(facts.filter((f) => d.targets.includes(f.target)))]),
  );
  return { ...rest, roles };
}
