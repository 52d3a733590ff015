// The localisation poller against a real SNMP agent (snmpsim) and a real database: a two-port device
// whose incoming multicast counter rises while its outgoing one stays flat is named, with the outgoing
// port, in the incident's stored localisation, while its second port toward another receiver keeps
// forwarding; both ports are read in the device's one request per poll, with their MLD-MIB listener rows;
// resolving the alert stops the polling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollHopCounters } from '@netspotter/shared/snmp/hop-counters';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';
import { SNMPSIM, startSnmpsim, type Snmpsim } from '../discovery/support/snmpsim.ts';
import { LocalisationPoller } from '../../src/alerts/localisation-poller.ts';

// ifIndex 1 is the uplink (ifHCInMulticastPkts rises 50/s), ifIndex 2 the port toward the receiver
// (ifHCOutMulticastPkts flat, ifOutDiscards rising), ifIndex 3 the port toward a second receiver (rising):
// snmpsim's numeric variation makes counters move.
const SWITCH = [
  '1.3.6.1.2.1.2.2.1.13.1|65|0',
  '1.3.6.1.2.1.2.2.1.14.1|65|0',
  '1.3.6.1.2.1.2.2.1.19.2|65:numeric|rate=7,initial=100',
  '1.3.6.1.2.1.2.2.1.20.2|65|0',
  '1.3.6.1.2.1.31.1.1.1.8.1|70:numeric|rate=50,initial=1000',
  '1.3.6.1.2.1.31.1.1.1.12.2|70|5000',
  '1.3.6.1.2.1.31.1.1.1.12.3|70:numeric|rate=50,initial=3000',
  // MLD-MIB mldCacheSelf: ff3e::1234 has a listener row on port 3 only.
  '1.3.6.1.2.1.91.1.2.1.3.255.62.0.0.0.0.0.0.0.0.0.0.0.0.18.52.3|2|2',
].join('\n');
// The router before it forwards: its outgoing counter rises.
const ROUTER = '1.3.6.1.2.1.31.1.1.1.12.3|70:numeric|rate=50,initial=9000\n';

describe.skipIf(!SNMPSIM)('localisation poller', () => {
  let s: TestServer;
  let sim: Snmpsim;
  let poller: LocalisationPoller;
  beforeAll(async () => {
    sim = await startSnmpsim({ sw: { text: `${SWITCH}\n` }, r1: { text: ROUTER } });
    s = await startTestServer({ agentPlaintext: true });
    poller = new LocalisationPoller(s.ctx.db, s.app.log, {
      periodMs: 100,
      maxDevices: 4,
      requestsPerSecond: 5,
    });
  });
  afterAll(async () => {
    await poller?.stop();
    await s?.destroy();
    await sim?.stop();
  });

  /** A firing cell alert with its incident, as the alert engine stores one. */
  const firingAlert = (subject: string, summary: string) => {
    const now = new Date();
    return s.ctx.db.prisma.alert.create({
      data: {
        ruleName: 'cells',
        key: `test|${subject}`,
        kind: 'cell-state',
        subject,
        severity: 'major',
        state: 'firing',
        change: false,
        summary,
        since: now,
        firedAt: now,
        incident: { create: { openedAt: now, timeline: [], affectedCells: [] } },
      },
    });
  };

  it('names the port where forwarding stops, stores it with the incident, and stops when resolved', async () => {
    const alert = await firingAlert('cell:m:1', 'rx3 lost ff3e::1234');
    const snmp = (community: string) => ({
      address: '127.0.0.1',
      port: sim.port,
      credential: { version: 'v2c' as const, community },
    });
    const settings = { timeoutMs: 1000, retries: 0 };
    // The switch keeps its listeners in MLD-MIB's cache: the last hop's listener row is read there.
    const mld = { listenerGroup: 'ff3e::1234', listenerMib: 'mld' as const };
    let reads = 0;
    const swReads: number[] = [];
    const hop = (device: string, read: number, port: number, inInterface?: string) => ({
      device,
      read,
      port,
      ...(inInterface && { inInterface }),
      outInterface: device === 'r1' ? 'eth3' : ['p-h3', 'p-h4'][port]!,
    });
    poller.watch({
      alertId: alert.id,
      reads: [
        { device: 'r1', read: () => (reads++, pollHopCounters(snmp('r1'), settings, [{ outIfIndex: 3 }])) },
        {
          device: 'sw',
          read: () => (
            reads++,
            swReads.push(Date.now()),
            pollHopCounters(
              snmp('sw'),
              settings,
              [2, 3].map((outIfIndex) => ({ inIfIndex: 1, outIfIndex, ...mld })),
            )
          ),
        },
      ],
      paths: [
        { receiver: 'rx3', hops: [hop('r1', 0, 0), hop('sw', 1, 0, 'p-up')] },
        { receiver: 'rx4', hops: [hop('r1', 0, 0), hop('sw', 1, 1, 'p-up')] },
      ],
    });
    const incident = async () =>
      (
        await s.app.inject({
          method: 'GET',
          url: `/api/alerts/${alert.id}`,
          headers: await s.as('operator'),
        })
      ).json() as { incidentId: string };
    const { incidentId } = await incident();
    const read = async () =>
      (
        await s.app.inject({
          method: 'GET',
          url: `/api/incidents/${incidentId}`,
          headers: await s.as('operator'),
        })
      ).json() as {
        localisation: { suspects: Record<string, unknown>[]; undecided: { receiver: string }[] } | null;
      };
    const found = await until(
      read,
      (i) => (i.localisation?.suspects[0]?.confidence as number) >= 0.8,
      15_000,
    );
    const suspect = found.localisation!.suspects[0]!;
    expect(suspect).toMatchObject({
      device: 'sw',
      point: 'out',
      interface: 'p-h3',
      upstream: 'sw',
      receivers: ['rx3'],
    });
    expect((suspect.evidence as string[]).join('\n')).toMatch(/sw p-up \(in\) rose by \d+ packets/);
    expect((suspect.evidence as string[]).join('\n')).toMatch(/sw p-h3 \(out\): \d+ discards\/errors/);
    expect(suspect.evidence).toContain('sw has no listener row for the group');
    const direct = await pollHopCounters(snmp('sw'), settings, [
      { outIfIndex: 2, ...mld },
      { outIfIndex: 3, ...mld },
    ]);
    expect(direct.map((c) => c.listener)).toEqual([false, true]);
    // The other port still forwards (and has its listener row): only rx3's branch is named.
    expect(found.localisation!.suspects).toHaveLength(1);
    expect(found.localisation!.undecided.map((u) => u.receiver)).toEqual(['rx4']);
    // Two ports, one request per poll: the switch is read as often as the one-port router.
    expect(Math.abs(swReads.length - (reads - swReads.length))).toBeLessThanOrEqual(1);

    // The rate bound (5 requests/s per device) holds although polls are due every 100 ms.
    const gaps = swReads.slice(1).map((t, i) => t - swReads[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(190);

    const r = await s.app.inject({
      method: 'POST',
      url: `/api/alerts/${alert.id}/resolve`,
      headers: await s.as('operator'),
    });
    expect(r.statusCode, r.body).toBe(200);
    await until(
      async () => poller.watching(alert.id),
      (w) => !w,
      5000,
    );
    const after = reads;
    await new Promise((res) => setTimeout(res, 1000));
    expect(reads).toBe(after);
  }, 40_000);

  it('spaces requests to one device by the bound from when each went out, though its turn came earlier', async () => {
    const alert = await firingAlert('cell:m:2', 'rx5 lost ff3e::1234');
    // The first poll's read of another device holds the event loop for 40 ms, between the turn of device
    // b and its request: b's next request must still wait the full 200 ms from when this one went out.
    let first = true;
    const sent: number[] = [];
    poller.watch({
      alertId: alert.id,
      reads: [
        {
          device: 'slow',
          read: async () => {
            const end = performance.now() + 40;
            while (first && performance.now() < end);
            first = false;
            return [];
          },
        },
        { device: 'b', read: async () => (sent.push(performance.now()), []) },
      ],
      paths: [],
    });
    await until(
      async () => sent.length,
      (n) => n >= 4,
      5000,
    );
    await s.ctx.db.prisma.alert.update({ where: { id: alert.id }, data: { state: 'resolved' } });
    await until(
      async () => poller.watching(alert.id),
      (w) => !w,
      5000,
    );
    const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(199.5);
  });
});
