// Snapshot diffs on hand-made facts: port state changes land on the link end they belong to, and a
// device the newer run did not poll is reported as such, not as removed plus a new unmanaged node (pure).
import { describe, expect, it } from 'vitest';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { buildTopology } from '../../src/discovery/topology/build.ts';
import { diffTopologies } from '../../src/snapshots/diff.ts';
import type { Topology } from '../../src/snapshots/graph.ts';
import { device, lagA, lagB, seen } from './support/facts.ts';

const LAG = 'l2|A:Po10|B:Po20';

function snapshot(
  facts: DeviceFacts[],
  run: Partial<Pick<Topology, 'report' | 'unreachable'>> = {},
): Topology {
  return { ...buildTopology(facts), roles: {}, report: [], unreachable: [], ...run } as unknown as Topology;
}

/** Facts with every port up, or the given ports down (oper) / shut (admin). */
function withStates(f: DeviceFacts, down: number[] = [], shut: number[] = []): DeviceFacts {
  return {
    ...f,
    interfaces: f.interfaces.map((i) => ({
      ...i,
      adminStatus: shut.includes(i.ifIndex) ? 2 : 1,
      operStatus: down.includes(i.ifIndex) || shut.includes(i.ifIndex) ? 2 : 1,
    })),
  };
}

describe('snapshot diff', () => {
  it('a LAG member going down is a port state change on its side of the LAG link', () => {
    const before = snapshot([withStates(device(lagA())), withStates(device(lagB()))]);
    const after = snapshot([
      withStates(device(lagA({ lldp: [[1, seen('0b', 'q1')]] })), [2]),
      withStates(device(lagB({ lldp: [[7, seen('0a', 'p1')]] })), [8]),
    ]);
    const diff = diffTopologies(before, after);
    expect(diff.links.changed).toEqual([{ id: LAG, fields: ['members'] }]);
    expect(diff.ports).toEqual([
      {
        device: 'A',
        ifIndex: 2,
        port: 'p2',
        kind: 'state',
        from: 'up/up',
        to: 'up/down',
        link: { id: LAG, side: 'source' },
      },
      {
        device: 'B',
        ifIndex: 8,
        port: 'q2',
        kind: 'state',
        from: 'up/up',
        to: 'up/down',
        link: { id: LAG, side: 'target' },
      },
    ]);
  });

  it('a change on one side only names that side; ports that come and go are listed', () => {
    const before = snapshot([withStates(device(lagA())), withStates(device(lagB()))]);
    const after = snapshot([
      withStates(device(lagA({ ifs: [...lagA().ifs!.filter(([i]) => i !== 3), [4, 'p4']] })), [], [1]),
      withStates(device(lagB())),
    ]);
    expect(diffTopologies(before, after).ports).toEqual([
      {
        device: 'A',
        ifIndex: 1,
        port: 'p1',
        kind: 'state',
        from: 'up/up',
        to: 'down/down',
        link: { id: LAG, side: 'source' },
      },
      { device: 'A', ifIndex: 4, port: 'p4', kind: 'added', to: 'up/up' },
      { device: 'A', ifIndex: 3, port: 'p3', kind: 'removed', from: 'up/up' },
    ]);
  });

  it('a device the newer run could not reach is not removed, its stand-in is not new, its links are unverified', () => {
    const before = snapshot([device(lagA()), device(lagB())]);
    // Only B answered; its LLDP still names A, which becomes an unmanaged neighbour.
    const after = snapshot([device(lagB())], {
      unreachable: [{ target: 'A', reason: 'no response (timeout)' }],
    });
    const standIn = after.unmanaged[0]!.id;
    const diff = diffTopologies(before, after);
    expect(diff.notPolled).toEqual([
      { id: 'A', name: 'A', reason: 'not reached: no response (timeout)', standIn },
    ]);
    expect(diff.devices).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.links).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.unverified).toContain(LAG);
    expect(diff.unverified.some((k) => k.includes(standIn))).toBe(true);
  });

  it('a device left out of the run is "not polled"; one asked that answered as another device is removed', () => {
    const before = snapshot([device(lagA()), device(lagB())]);
    const leftOut = snapshot([device(lagB())]);
    expect(diffTopologies(before, leftOut).notPolled).toMatchObject([
      { id: 'A', reason: 'not polled in this run' },
    ]);
    const replaced = snapshot([device(lagB()), device({ ...lagA(), name: 'A2', target: 'A' })], {
      report: [{ target: 'A', status: 'ok', issues: [], ms: 1 }],
    });
    const diff = diffTopologies(before, replaced);
    expect(diff.notPolled).toEqual([]);
    expect(diff.devices.removed).toEqual(['A']);
    expect(diff.devices.added).toEqual(['A2']);
  });
});
