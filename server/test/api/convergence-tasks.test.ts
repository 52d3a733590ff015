// The convergence task kind through the API and the agent protocol (agents spoken through app.inject):
// bad arguments are refused naming the field with nothing stored; a run compiles receive steps that report
// gaps (one joining mid-run) and a 1,000 pps stream; the agents' gaps come back as outage intervals,
// lined up with an event and a snapshot recorded during the run.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRunResult } from '@netspotter/shared/results';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { enrolAgent, type TestAgent } from '../support/agent-calls.ts';
import { until } from '../support/until.ts';
import { convergenceArgs, receiverFinal, recordChange, senderFinal } from '../support/convergence-run.ts';

describe('convergence tasks', () => {
  let s: TestServer;
  let op: Record<string, string>;
  let tx: TestAgent;
  let rx: TestAgent;
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true });
    op = await s.as('operator');
    tx = await enrolAgent(s, 'conv-tx', ['eth0']);
    rx = await enrolAgent(s, 'conv-rx', ['eth0', 'eth1']);
  });
  afterAll(() => s?.destroy());

  const args = (over: object = {}) => ({
    ...convergenceArgs({
      group: 'ff3e::db8:14c1',
      tx: 'conv-tx',
      rx: 'conv-rx',
      joinAfterMs: 2000,
      durationMs: 5000,
      startDelayMs: 1000,
    }),
    ...over,
  });
  const createTask = (a: object) =>
    s.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: op,
      payload: { name: `conv-${randomUUID()}`, kind: 'convergence', args: a },
    });

  it('refuses bad arguments naming the field, storing nothing', async () => {
    const before = await s.ctx.db.prisma.task.count();
    const cases: [object, string][] = [
      [{ pps: 50 }, 'args.pps'],
      [{ pps: 20_000 }, 'args.pps'],
      [{ durationMs: 500 }, 'args.durationMs'],
      [{ durationMs: 7_200_000 }, 'args.durationMs'],
      [{ receivers: [] }, 'args.receivers'],
      [{ bogus: 1 }, 'args.bogus'],
      [{ receivers: [{ agent: 'nope', interface: 'eth0' }] }, 'args.receivers[0].agent'],
      [{ senders: [{ agent: 'conv-tx', interface: 'eth9' }] }, 'args.senders[0].interface'],
      [
        { receivers: [{ agent: 'conv-rx', interface: 'eth0', joinAfterMs: 5000 }] },
        'args.receivers[0].joinAfterMs',
      ],
    ];
    for (const [over, field] of cases) {
      const r = await createTask(args(over));
      expect(r.statusCode, `${field}: ${r.body}`).toBe(400);
      expect(r.json()).toMatchObject({ error: 'bad_request', field });
    }
    expect(await s.ctx.db.prisma.task.count()).toBe(before);
    const kinds = (await s.app.inject({ method: 'GET', url: '/api/task-kinds', headers: op })).json();
    expect(kinds.map((k: { kind: string }) => k.kind)).toContain('convergence');
  });

  it('a run: plans at 1,000 pps with gap-reporting receivers; gaps become outages beside the events of the run', async () => {
    const task = (await createTask(args())).json();
    const run = (
      await s.app.inject({ method: 'POST', url: `/api/tasks/${task.id}/run`, headers: op })
    ).json();
    const lease = async (a: TestAgent) => (await a.call('/api/agent/lease', { waitMs: 20_000 })).json().job;
    const rxJob = await lease(rx);
    const txJob = await lease(tx);
    expect(txJob.plan.steps).toEqual([
      expect.objectContaining({ op: 'stream', pps: 1000, durationMs: 5000, streamId: 1 }),
    ]);
    expect(rxJob.plan.steps).toEqual([
      expect.objectContaining({ op: 'receive', interface: 'eth0', gaps: true, lateMs: 1000 }),
      expect.objectContaining({ op: 'receive', interface: 'eth1', gaps: true, joinAfterMs: 2000 }),
    ]);
    expect(rxJob.plan.steps[0]).not.toHaveProperty('joinAfterMs');

    // What happened meanwhile: an event and a snapshot, 2.5 s and 4 s into the run (on the server's clock).
    const start = rxJob.startAt as number;
    await recordChange(s, start + 2500, {
      kind: 'link-removed',
      subject: 'link:sw1/p2',
      summary: 'link sw1 p2 – r1 eth1 removed',
    });
    const snap = await s.ctx.db.prisma.snapshot.create({
      data: { takenAt: new Date(start + 4000), summary: {} },
    });

    // The sender's clock is 20 ms behind the server's; seq n left at its start + 100 + n ms.
    const t0 = start - 20 + 100;
    await tx.upload(txJob.id, senderFinal(5000, 20));
    const joinedAtMs = start + 2000;
    await rx.upload(
      rxJob.id,
      receiverFinal(joinedAtMs, [
        {
          received: 4400,
          first: { seq: 0, txMs: t0, rxMs: t0 + 1 },
          last: { seq: 4999, txMs: t0 + 4999 },
          gaps: [{ fromSeq: 2400, toSeq: 2999, beforeTxMs: t0 + 2399, afterTxMs: t0 + 3000 }],
        },
        {
          received: 2920,
          first: { seq: 1980, txMs: t0 + 1980, rxMs: joinedAtMs + 25 },
          last: { seq: 4899, txMs: t0 + 4899 },
          gaps: [],
        },
      ]),
    );
    const done = await until(
      async () => (await s.app.inject({ method: 'GET', url: `/api/runs/${run.id}`, headers: op })).json(),
      (r) => r.state !== 'running' && r.state !== 'queued',
    );
    expect(done.state).toBe('succeeded');
    const conv = (done.result as AgentRunResult).convergence!;
    expect(conv).toMatchObject({ pps: 1000, resolutionMs: 1, eventsOmitted: 0 });
    expect(conv.receivers).toEqual([
      expect.objectContaining({
        receiver: 'conv-rx (receiver) step 1',
        sender: 'conv-tx (sender)',
        sent: 5000,
        lost: 600,
        totalOutageMs: 600,
        longestOutageMs: 600,
        joinLatencyMs: null,
        outages: [
          expect.objectContaining({ offsetMs: 2500, durationMs: 600, lost: 600, sendTimeGapMs: 600 }),
        ],
      }),
      expect.objectContaining({
        receiver: 'conv-rx (receiver) step 2',
        joinLatencyMs: 25,
        joinedAt: new Date(joinedAtMs).toISOString(),
        // Its last 100 frames never came: loss at the end, up to the sender's count.
        outages: [expect.objectContaining({ fromSeq: 4900, toSeq: 4999, durationMs: 100, offsetMs: 5000 })],
      }),
    ]);
    expect(conv.timeline.map((e) => [e.offsetMs, e.what])).toEqual([
      [2000, 'join'],
      [2500, 'event'],
      [2500, 'outage'],
      [4000, 'snapshot'],
      [5000, 'outage'],
    ]);
    expect(conv.timeline[1]).toMatchObject({
      eventKind: 'link-removed',
      summary: 'link:sw1/p2: link sw1 p2 – r1 eth1 removed',
    });
    expect(conv.timeline[3]).toMatchObject({ snapshotId: snap.id });
  });
});
