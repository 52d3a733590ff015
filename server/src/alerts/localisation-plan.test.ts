import { describe, expect, it } from 'vitest';
import type { ExpectedPath } from '@netspotter/shared/api';
import { planHops } from './localisation-plan.ts';

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

describe('planHops', () => {
  it('keeps the hops a stored target with a credential reaches, in path order, naming their ports', () => {
    const plan = planHops(path, (d) => targets[d] ?? [], new Set(['192.0.2.2:1161', '192.0.2.3']), 8);
    expect(plan.hops).toEqual([
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
      path,
      (d) => targets[d] ?? [],
      new Set(['192.0.2.1', '192.0.2.2:1161', '192.0.2.3']),
      2,
    );
    expect(plan.hops.map((h) => h.device)).toEqual(['sw1', 'sw2']);
    expect(plan.hops[0]!.inInterface).toBe('up');
    expect(plan.skipped).toEqual(['r1: over the limit of 2 devices']);
    expect(planHops(path, () => [], new Set(), 2).hops).toEqual([]);
  });

  it('names a port without ifName by its ifIndex', () => {
    const plan = planHops(path, (d) => targets[d] ?? [], new Set(['192.0.2.1']), 8);
    expect(plan.hops[0]).toMatchObject({ device: 'r1', inInterface: 'eth0', outInterface: 'ifIndex 3' });
  });

  it("asks for the last hop's listener row of the group only when its device held listener rows", () => {
    const all = new Set(['192.0.2.1', '192.0.2.2:1161', '192.0.2.3']);
    const listening = (devices: string[]) => (d: string) => devices.includes(d);
    const plan = planHops(path, (d) => targets[d] ?? [], all, 8, listening(['sw1', 'sw2']));
    expect(plan.hops.map((h) => h.listenerGroup)).toEqual([undefined, undefined, 'ff3e::1234']);
    expect(
      planHops(path, (d) => targets[d] ?? [], all, 8, listening(['sw1'])).hops.map((h) => h.listenerGroup),
    ).toEqual([undefined, undefined, undefined]);
  });

  it("reads a router hop's route for the flow: (*,G) without a source, (S,G) with it", () => {
    const all = new Set(['192.0.2.1', '192.0.2.2:1161', '192.0.2.3']);
    const routes = (p: ExpectedPath) => planHops(p, (d) => targets[d] ?? [], all, 8).hops.map((h) => h.route);
    expect(routes(path)).toEqual([{ group: 'ff3e::1234' }, undefined, undefined]);
    const sg: ExpectedPath = {
      ...path,
      flow: { group: 'ff3e::1234', source: '2001:db8::11' },
      tree: '(S,G)',
    };
    expect(routes(sg)[0]).toEqual({ group: 'ff3e::1234', source: '2001:db8::11' });
  });
});
