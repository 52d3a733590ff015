import { describe, expect, it } from 'vitest';
import type { ExpectedPath } from '@netspotter/shared/api';
import { planHops, type ListenerMib } from './localisation-plan.ts';

const path: ExpectedPath = {
  flow: { group: 'ff3e::1234' },
  tree: '(*,G)',
  reaches: true,
  hops: [
    { device: 'r1', kind: 'router', in: { ifIndex: 2, ifName: 'eth0' }, out: [{ ifIndex: 3 }], onTree: true },
    {
      device: 'sw1',
      kind: 'switch',
      in: { ifIndex: 1, ifName: 'up' },
      out: [{ ifIndex: 5, ifName: 'p5' }],
      onTree: true,
    },
    {
      device: 'sw2',
      kind: 'switch',
      in: { ifIndex: 7, ifName: 'up' },
      out: [{ ifIndex: 9, ifName: 'p-h3' }],
      onTree: true,
    },
  ],
};
const targets: Record<string, string[]> = {
  r1: ['192.0.2.1'],
  sw1: ['192.0.2.2:1161 #2'],
  sw2: ['192.0.2.3'],
};

/** The plan's devices as one path of hops, flattened the way the old single-path view read them. */
const one = (p: ExpectedPath) => [{ receiver: 'rx1', path: p }];
const flat = (plan: ReturnType<typeof planHops>) =>
  plan.paths[0]!.hops.map(({ device, port }) => {
    const { ports: _ports, ...d } = plan.devices[device]!;
    return { ...d, ...plan.devices[device]!.ports[port] };
  });

describe('planHops', () => {
  it('keeps the hops a stored target with a credential reaches, in path order, naming their ports', () => {
    const plan = planHops(one(path), (d) => targets[d] ?? [], new Set(['192.0.2.2:1161', '192.0.2.3']), 8);
    expect(flat(plan)).toEqual([
      {
        device: 'sw1',
        target: '192.0.2.2:1161',
        inInterface: 'up',
        inIfIndex: 1,
        outInterface: 'p5',
        outIfIndex: 5,
      },
      {
        device: 'sw2',
        target: '192.0.2.3',
        inInterface: 'up',
        inIfIndex: 7,
        outInterface: 'p-h3',
        outIfIndex: 9,
      },
    ]);
    expect(plan.skipped).toEqual(['r1: no stored target with a credential reaches it']);
  });

  it('drops the hops farthest from the receiver beyond the device limit', () => {
    const plan = planHops(
      one(path),
      (d) => targets[d] ?? [],
      new Set(['192.0.2.1', '192.0.2.2:1161', '192.0.2.3']),
      2,
    );
    expect(flat(plan).map((h) => h.device)).toEqual(['sw1', 'sw2']);
    expect(flat(plan)[0]!.inInterface).toBe('up');
    expect(plan.skipped).toEqual(['r1: over the limit of 2 devices']);
    expect(planHops(one(path), () => [], new Set(), 2).paths[0]!.hops).toEqual([]);
  });

  it('names a port without ifName by its ifIndex', () => {
    const plan = planHops(one(path), (d) => targets[d] ?? [], new Set(['192.0.2.1']), 8);
    expect(flat(plan)[0]).toMatchObject({ device: 'r1', inInterface: 'eth0', outInterface: 'ifIndex 3' });
  });

  it("asks for the last hop's listener row of the group from the table its device held listener rows in", () => {
    const all = new Set(['192.0.2.1', '192.0.2.2:1161', '192.0.2.3']);
    const listening = (mibs: Record<string, ListenerMib>) => (d: string) => mibs[d];
    const plan = planHops(
      one(path),
      (d) => targets[d] ?? [],
      all,
      8,
      listening({ sw1: 'mgmd', sw2: 'mgmd' }),
    );
    expect(flat(plan).map((h) => h.listenerGroup)).toEqual([undefined, undefined, 'ff3e::1234']);
    expect(flat(plan)[2]!.listenerMib).toBe('mgmd');
    const mld = planHops(one(path), (d) => targets[d] ?? [], all, 8, listening({ sw2: 'mld' }));
    expect(flat(mld)[2]).toMatchObject({ listenerGroup: 'ff3e::1234', listenerMib: 'mld' });
    expect(
      flat(planHops(one(path), (d) => targets[d] ?? [], all, 8, listening({ sw1: 'mgmd' }))).map(
        (h) => h.listenerGroup,
      ),
    ).toEqual([undefined, undefined, undefined]);
  });

  it("reads a router hop's route for the flow: (*,G) without a source, (S,G) with it", () => {
    const all = new Set(['192.0.2.1', '192.0.2.2:1161', '192.0.2.3']);
    const routes = (p: ExpectedPath) =>
      flat(planHops(one(p), (d) => targets[d] ?? [], all, 8)).map((h) => h.route);
    expect(routes(path)).toEqual([{ group: 'ff3e::1234' }, undefined, undefined]);
    const sg: ExpectedPath = {
      ...path,
      flow: { group: 'ff3e::1234', source: '2001:db8::11' },
      tree: '(S,G)',
    };
    expect(routes(sg)[0]).toEqual({ group: 'ff3e::1234', source: '2001:db8::11' });
  });

  it('gives a device where the paths branch one read with an out point per port toward the receivers', () => {
    // rx2 hangs off sw2 port 10 beside rx1's port 9; rx3 leaves sw1 by port 6 toward sw3.
    const to = (out: number): ExpectedPath => ({
      ...path,
      hops: [path.hops[0]!, path.hops[1]!, { ...path.hops[2]!, out: [{ ifIndex: out }] }],
    });
    const rx3: ExpectedPath = {
      ...path,
      hops: [
        path.hops[0]!,
        { ...path.hops[1]!, out: [{ ifIndex: 6, ifName: 'p6' }] },
        { device: 'sw3', kind: 'switch', in: { ifIndex: 1 }, out: [{ ifIndex: 2 }], onTree: true },
      ],
    };
    const all = new Set(['192.0.2.1', '192.0.2.2:1161', '192.0.2.3', '192.0.2.4']);
    const t = (d: string) => (d === 'sw3' ? ['192.0.2.4'] : (targets[d] ?? []));
    const paths = [
      { receiver: 'rx1', path },
      { receiver: 'rx2', path: to(10) },
      { receiver: 'rx3', path: rx3 },
    ];
    const plan = planHops(paths, t, all, 8, () => 'mld');
    expect(plan.devices.map((d) => [d.device, d.ports.map((p) => p.outIfIndex)])).toEqual([
      ['r1', [3]],
      ['sw1', [5, 6]],
      ['sw2', [9, 10]],
      ['sw3', [2]],
    ]);
    expect(plan.devices[2]!.ports.map((p) => p.listenerMib)).toEqual(['mld', 'mld']);
    expect(plan.paths.map((p) => p.hops)).toEqual([
      [
        { device: 0, port: 0 },
        { device: 1, port: 0 },
        { device: 2, port: 0 },
      ],
      [
        { device: 0, port: 0 },
        { device: 1, port: 0 },
        { device: 2, port: 1 },
      ],
      [
        { device: 0, port: 0 },
        { device: 1, port: 1 },
        { device: 3, port: 0 },
      ],
    ]);
    // The limit counts devices, whatever their ports: the one farthest from every receiver goes first.
    const two = planHops(paths, t, all, 3);
    expect(two.devices.map((d) => d.device)).toEqual(['sw1', 'sw2', 'sw3']);
    expect(two.skipped).toEqual(['r1: over the limit of 3 devices']);
    expect(two.paths[2]!.hops).toEqual([
      { device: 0, port: 1 },
      { device: 2, port: 0 },
    ]);
  });
});
