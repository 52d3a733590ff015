// The fixture network stored as a snapshot on a test server, three enrolled agents — the source tx (the
// fixture's S) and receivers rx1, rx2 whose MACs SW learned on p4 and p6 — and a running monitor of the
// (S,G); `beacons` uploads two intervals of summaries in which each receiver gets the beacons or not.
import { randomUUID } from 'node:crypto';
import type { HostFacts, MonitorSummary } from '@netspotter/shared/agent-protocol';
import type { TestServer } from '../../support/test-server.ts';
import { enrolAgent, hostFacts, type TestAgent } from '../../support/agent-calls.ts';
import { heardFrom } from '../../support/monitor-summaries.ts';
import { saveSnapshot } from '../../../src/snapshots/store.ts';
import { discovered, G, labFacts, S } from './fixture.ts';

const facts = (name: string, mac: string, address: string): HostFacts => ({
  ...hostFacts(name),
  interfaces: [{ name: 'eth0', mac, addresses: [address, 'fe80::1'] }],
});

export interface Monitored {
  tx: TestAgent;
  rx: TestAgent[];
  monitorId: string;
  /** Two intervals of summaries up to now: receiver i gets the beacons when served[i] (and joined after joinMs[i]). */
  beacons(served: boolean[], joinMs?: (number | undefined)[]): Promise<void>;
}

/** `s` must accept agent calls over app.inject (agentPlaintext). */
export async function monitoredFixture(
  s: TestServer,
  thresholds: Record<string, number> = {},
): Promise<Monitored> {
  await saveSnapshot(s.ctx.db, null, discovered(labFacts()));
  const tx = await enrolAgent(s, 'tx', undefined, undefined, facts('tx', '02:00:00:00:aa:09', S));
  const rx = [
    await enrolAgent(s, 'rx1', undefined, undefined, facts('rx1', '02:00:00:00:aa:02', '2001:db8:5::2')),
    await enrolAgent(s, 'rx2', undefined, undefined, facts('rx2', '02:00:00:00:aa:04', '2001:db8:5::4')),
  ];
  const m = await s.app.inject({
    method: 'POST',
    url: '/api/monitors',
    headers: await s.as('operator'),
    payload: {
      name: 'tree',
      participants: [
        { agent: 'tx', interface: 'eth0', role: 'sender' },
        { agent: 'rx1', interface: 'eth0', role: 'receiver' },
        { agent: 'rx2', interface: 'eth0', role: 'receiver' },
      ],
      groups: [{ mode: 'ssm', group: G, source: '$tx', port: 10_002 }],
      intervalSeconds: 1,
      beaconPps: 2,
      thresholds,
    },
  });
  if (m.statusCode !== 201) throw new Error(`monitor: ${m.body}`);
  const monitorId: string = m.json().id;
  const groupId: string = m.json().groups[0].id;
  const upload = async (
    agent: TestAgent,
    summary: Omit<MonitorSummary, 'id' | 'monitorId' | 'intervalMs'>,
  ) => {
    const r = await agent.call('/api/agent/monitors/summaries', {
      summaries: [{ id: randomUUID(), monitorId, intervalMs: 1000, ...summary }],
    });
    if (r.statusCode !== 200) throw new Error(`summaries: ${r.body}`);
  };
  return {
    tx,
    rx,
    monitorId,
    async beacons(served, joinMs = []) {
      const now = Math.floor(Date.now() / 1000) * 1000;
      for (const start of [now - 2000, now - 1000]) {
        await upload(tx, {
          intervalStart: start,
          sent: [{ group: groupId, epoch: 1, count: 2, lastSeq: 2 * (start / 1000) }],
          received: [],
        });
        for (const [i, a] of rx.entries()) {
          const got = served[i] ?? false;
          await upload(a, {
            intervalStart: start,
            sent: [],
            received: [
              {
                group: groupId,
                joined: true,
                sources: [
                  {
                    ...heardFrom(tx.id, !got, 1),
                    ...(joinMs[i] !== undefined && { joinLatencyMs: joinMs[i] }),
                  },
                ],
              },
            ],
          });
        }
      }
    },
  };
}
