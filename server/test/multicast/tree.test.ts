// One group's trees as listed and drawn, and where the expected tree and the served receivers differ.
import { describe, expect, it } from 'vitest';
import { groupTrees } from '../../src/multicast/tree.ts';
import { compareTrees, type ReceiverNow } from '../../src/multicast/tree-diff.ts';
import { flowTopology, G, labFacts, route, S } from './support/fixture.ts';

const SEEN = '2026-12-05T01:00:00.000Z';
const flow = { group: G, source: S };
const receiver = (
  name: string,
  state: ReceiverNow['state'],
  device: string,
  ifIndex: number,
): ReceiverNow => ({
  agentId: `id-${name}`,
  name,
  state,
  placed: { device, ifIndex, evidence: 'FDB' },
});

describe('groupTrees', () => {
  it('lists the (S,G) tree: edges with port names, the router’s RPF, oifs, counters and time seen, and the listener ports', () => {
    const t = flowTopology(labFacts());
    const [tree, ...more] = groupTrees(t, flow, SEEN);
    expect(more).toEqual([]);
    expect(tree!.routers).toEqual([
      {
        device: 'R1',
        label: 'R1',
        entry: '(S,G)',
        source: S,
        rpf: { ifIndex: 1, ifName: 'eth0' },
        oifs: [{ ifIndex: 2, ifName: 'eth1', state: 2 }],
        pkts: '1200',
        octets: '144000',
        seenAt: SEEN,
      },
    ]);
    expect(tree!.edges).toContainEqual({
      from: { device: 'R1', ifIndex: 2, ifName: 'eth1' },
      to: { device: 'SW', ifIndex: 5, ifName: 'p5' },
    });
    expect(tree!.listenerPorts).toEqual([
      { device: 'SW', ifIndex: 4, ifName: 'p4', vlan: 1 },
      { device: 'SW', ifIndex: 6, ifName: 'p6', vlan: 1 },
    ]);
    expect(tree!.vlan).toBe(1);
  });

  it('a flow naming another source gets no (S,G) tree of this one; the group alone lists every tree', () => {
    const starG = route();
    delete starG.source;
    const t = flowTopology(labFacts({ routes: [route(), starG] }));
    expect(groupTrees(t, { group: G, source: '2001:db8:9::9' }, SEEN).map((x) => x.source ?? '*')).toEqual([
      '*',
    ]);
    expect(
      groupTrees(t, { group: G }, SEEN)
        .map((x) => x.source ?? '*')
        .sort(),
    ).toEqual(['*', S]);
    expect(groupTrees(t, { group: 'ff3e::77' }, SEEN)).toEqual([]);
  });
});

describe('compareTrees', () => {
  it('all served on the expected tree: no differences, each receiver with its expected path', () => {
    const t = flowTopology(labFacts());
    const r = compareTrees(t, flow, [receiver('rx1', 'ok', 'SW', 4), receiver('rx2', 'ok', 'SW', 6)]);
    expect(r.differences).toEqual([]);
    expect(
      r.receivers.map((x) => [x.name, x.served, x.placed?.ifName, x.path?.hops.map((h) => h.device)]),
    ).toEqual([
      ['rx1', true, 'p4', ['R1', 'SW']],
      ['rx2', true, 'p6', ['R1', 'SW']],
    ]);
  });

  it('a receiver on the tree that gets nothing is expected but not served', () => {
    const t = flowTopology(labFacts());
    const r = compareTrees(t, flow, [receiver('rx1', 'ok', 'SW', 4), receiver('rx2', 'lost', 'SW', 6)]);
    expect(r.differences).toEqual([
      {
        kind: 'expected-not-served',
        device: 'SW',
        ifIndex: 6,
        ifName: 'p6',
        receiver: 'rx2',
        message: `rx2 on SW p6 is on the expected (S,G) tree of (${S}, ${G}) but gets no beacons (lost)`,
      },
    ]);
  });

  it('a receiver port the snooping switch holds no listener entry for (its entry flushed)', () => {
    const t = flowTopology(labFacts({ swListeners: [{ group: G, ifIndex: 4, mib: 'snooping', vlan: 1 }] }));
    const r = compareTrees(t, flow, [receiver('rx1', 'ok', 'SW', 4), receiver('rx2', 'lost', 'SW', 6)]);
    expect(r.differences.map((d) => `${d.kind} ${d.device}:${d.ifName} ${d.receiver}`).sort()).toEqual([
      'expected-not-served SW:p6 rx2',
      'snooping-port-without-listener SW:p6 rx2',
    ]);
  });

  it('a router whose (S,G) state lost the oif towards the listeners', () => {
    const t = flowTopology(labFacts({ routes: [route({ nextHops: [] })] }));
    const r = compareTrees(t, flow, [receiver('rx1', 'lost', 'SW', 4)]);
    expect(r.differences.filter((d) => d.kind === 'oif-missing')).toEqual([
      {
        kind: 'oif-missing',
        device: 'R1',
        ifIndex: 2,
        ifName: 'eth1',
        message: `R1's (S,G) state for (${S}, ${G}) has no outgoing interface eth1 towards the listener on SW p4`,
      },
    ]);
    // Off the tree (the router forwards nothing towards it), yet expected: its port holds a listener entry.
    expect(r.receivers[0]!.path?.hops.map((h) => [h.device, h.onTree])).toEqual([
      ['R1', true],
      ['SW', false],
    ]);
    expect(r.differences.map((d) => d.kind).sort()).toEqual(['expected-not-served', 'oif-missing']);
  });

  it('a receiver reached only off the tree, on a port without a listener entry, is not expected', () => {
    const t = flowTopology(labFacts());
    const r = compareTrees(t, flow, [
      receiver('rx1', 'ok', 'SW', 4),
      receiver('rx5', 'never-seen', 'SW2', 2),
    ]);
    expect(r.receivers[1]!.path?.reaches).toBe(true);
    expect(r.differences).toEqual([]);
  });

  it('a router oif behind which nobody listens or receives is a branch serving nobody', () => {
    const t = flowTopology(
      labFacts({
        routes: [
          route({
            nextHops: [
              { ifIndex: 2, state: 2 },
              { ifIndex: 3, state: 2 },
            ],
          }),
        ],
        swListeners: [],
      }),
    );
    const r = compareTrees(t, flow, [receiver('rx1', 'ok', 'SW', 4)]);
    expect(r.differences.map((d) => `${d.kind} ${d.device}:${d.ifIndex}`)).toEqual([
      'branch-serving-nobody R1:3',
    ]);
  });
});
