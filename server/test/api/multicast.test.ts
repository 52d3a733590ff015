// The multicast layer through the API with a real database: a stored snapshot (R1 routes (S,G) to the
// snooping switch SW, listeners on SW p4 and p6), three enrolled agents (the source tx and receivers rx1,
// rx2 whose MACs SW learned on p4 and p6) and a running monitor whose summaries say rx1 gets the beacons
// and rx2 gets none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';
import { G, S } from '../multicast/support/fixture.ts';
import { monitoredFixture, type Monitored } from '../multicast/support/monitored.ts';

describe('multicast API', () => {
  let s: TestServer;
  let viewer: Record<string, string>;
  let lab: Monitored;
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true });
    viewer = await s.as('viewer');
    lab = await monitoredFixture(s);
  });
  afterAll(() => s?.destroy());

  const get = async (url: string) => {
    const r = await s.app.inject({ method: 'GET', url, headers: viewer });
    return { status: r.statusCode, body: r.json() };
  };

  it('lists the groups from listeners, routes and monitors with counts, pickable', async () => {
    const r = await get('/api/multicast/groups');
    expect(r.status).toBe(200);
    expect(r.body.groups).toEqual([
      { group: G, sources: [S], counts: { listeners: 2, routes: 1, monitors: 1, tests: 0 } },
    ]);
    expect(r.body.layer.empty).toBeUndefined();
    expect(r.body.layer.devices.map((d: { label: string }) => d.label).sort()).toEqual(['R1', 'SW', 'SW2']);
  });

  it('places the agents on the switch ports their MACs were learned on', async () => {
    const r = await get('/api/multicast/agents');
    expect(r.body.agents).toEqual([
      {
        agentId: lab.rx[0]!.id,
        name: 'rx1',
        placed: { device: 'SW', ifIndex: 4, ifName: 'p4', evidence: 'FDB' },
      },
      {
        agentId: lab.rx[1]!.id,
        name: 'rx2',
        placed: { device: 'SW', ifIndex: 6, ifName: 'p6', evidence: 'FDB' },
      },
      { agentId: lab.tx.id, name: 'tx' },
    ]);
  });

  it('the tree with the router’s state, the receivers getting beacons, and the receiver expected but not served', async () => {
    await lab.beacons([true, false]);
    const r = await until(
      () => get(`/api/multicast/tree?group=${G}&source=${S}`),
      (x) =>
        x.body.receivers?.some((y: { name: string; state: string }) => y.name === 'rx1' && y.state === 'ok'),
      5000,
    );
    expect(r.status).toBe(200);
    expect(r.body.trees).toHaveLength(1);
    expect(r.body.trees[0].routers).toEqual([
      expect.objectContaining({
        device: 'R1',
        entry: '(S,G)',
        rpf: { ifIndex: 1, ifName: 'eth0' },
        oifs: [{ ifIndex: 2, ifName: 'eth1', state: 2 }],
        pkts: '1200',
        octets: '144000',
        seenAt: expect.any(String),
      }),
    ]);
    const receivers = r.body.receivers.map(
      (x: { name: string; served: boolean; state: string; placed?: { ifName: string } }) => [
        x.name,
        x.state,
        x.served,
        x.placed?.ifName,
      ],
    );
    expect(receivers.sort()).toEqual([
      ['rx1', 'ok', true, 'p4'],
      // Nothing ever arrived at rx2: its cell is never-seen.
      ['rx2', 'never-seen', false, 'p6'],
    ]);
    expect(r.body.differences).toEqual([
      expect.objectContaining({ kind: 'expected-not-served', device: 'SW', ifIndex: 6, receiver: 'rx2' }),
    ]);
  });

  it('the expected path to a receiver port', async () => {
    const r = await get(`/api/multicast/path?group=${G}&source=${S}&device=SW&ifIndex=4`);
    expect(r.status).toBe(200);
    expect(r.body.hops.map((h: { device: string; kind: string }) => `${h.kind} ${h.device}`)).toEqual([
      'router R1',
      'switch SW',
    ]);
  });

  it('the path of a flow no router holds starts at the port its sender agent is placed on', async () => {
    const G2 = 'ff0e::5678';
    // No tree and no polled device holding rx1: without its placement the path has nowhere to start.
    const before = await get(`/api/multicast/path?group=${G2}&device=SW2&ifIndex=2`);
    expect(before.body).toMatchObject({ reaches: false, hops: [] });
    const m = await s.app.inject({
      method: 'POST',
      url: '/api/monitors',
      headers: await s.as('operator'),
      payload: {
        name: 'bridged',
        participants: [
          { agent: 'rx1', interface: 'eth0', role: 'sender' },
          { agent: 'rx2', interface: 'eth0', role: 'receiver' },
        ],
        groups: [{ mode: 'asm', group: G2, port: 10_004 }],
        intervalSeconds: 1,
        beaconPps: 2,
      },
    });
    expect(m.statusCode, m.body).toBe(201);
    const r = await get(`/api/multicast/path?group=${G2}&device=SW2&ifIndex=2`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ tree: null, reaches: true });
    // rx1's MAC was learned on SW p4: from there over SW p7 to SW2 q1, out of q2.
    expect(
      r.body.hops.map((h: { device: string; in?: { ifName: string }; out: { ifName: string }[] }) => [
        h.device,
        h.in?.ifName,
        h.out.map((o) => o.ifName),
      ]),
    ).toEqual([
      ['SW', 'p4', ['p7']],
      ['SW2', 'q1', ['q2']],
    ]);
  });

  it('bad input is a 400 naming the field', async () => {
    for (const [url, field] of [
      ['/api/multicast/tree?group=2001:db8::1', 'group'],
      ['/api/multicast/tree?group=nonsense', 'group'],
      [`/api/multicast/tree?group=${G}&source=x`, 'source'],
      [`/api/multicast/path?group=${G}&device=nowhere`, 'device'],
      [`/api/multicast/path?group=${G}&device=SW&ifIndex=-1`, 'ifIndex'],
      ['/api/multicast/groups?extra=1', 'extra'],
    ] as const) {
      const r = await get(url);
      expect(r.status, url).toBe(400);
      expect(r.body.field, url).toContain(field);
    }
    expect((await get('/api/multicast/tree?group=ff3e::1&snapshot=none')).status).toBe(404);
  });
});
