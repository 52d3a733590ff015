import { describe, expect, it } from 'vitest';
import type { SequenceDefinition } from '../sequences/document.ts';
import { stepMatrix, type ParticipantRun } from './step-matrix.ts';
import type { ReceiverLine as ReceiverSummary } from '@netspotter/shared/results';
import { lossColour, lossPerSecond, receiverSeries, type LoadJob } from './load-series.ts';
import { ticks } from './line-chart.ts';
import { placeReceivers } from './topology-match.ts';
import { attemptNote, splitByAttempt, type AttemptedJob } from './attempts.ts';
import { sequenceOfRun, versionUsed } from './sequence-version.ts';

const msg = { template: 'udp' };
const def: SequenceDefinition = {
  participants: [
    { name: 'h1', agent: 'tx', interface: 'eth0' },
    { name: 'h2', agent: 'rx', interface: 'eth0' },
  ],
  steps: [
    { op: 'join', at: 'h2', group: 'ff3e::1' },
    { op: 'send', from: 'h1', message: msg },
    { op: 'expect', at: 'h2', message: msg },
    { op: 'barrier' },
    { op: 'wait', ms: 10 },
  ],
};

describe('stepMatrix', () => {
  // As the compiler lays them out: each plan step with its definition step, and a barrier where the
  // acting participant changes (before the send, definition step 1).
  type Planned = ParticipantRun['plan']['steps'][number];
  const plan = (
    ...steps: Array<[Planned['op'], number, 'handover' | 'definition'] | [Planned['op'], number]>
  ) => ({
    steps: steps.map(([op, definitionStep, origin], step) => ({
      op,
      step,
      definitionStep,
      ...(origin && { origin }),
    })),
  });
  const h1: ParticipantRun = {
    participant: 'h1',
    state: 'done',
    message: null,
    plan: plan(['barrier', 1, 'handover'], ['send', 1], ['barrier', 3, 'definition'], ['wait', 4]),
    outcomes: [
      { step: 0, op: 'barrier', outcome: 'pass' },
      { step: 1, op: 'send', outcome: 'pass' },
      { step: 2, op: 'barrier', outcome: 'pass' },
      { step: 3, op: 'wait', outcome: 'pass' },
    ],
  };
  const h2: ParticipantRun = {
    participant: 'h2',
    state: 'failed',
    message: 'step 2 (expect) fail',
    plan: plan(
      ['join', 0],
      ['barrier', 1, 'handover'],
      ['expect', 2],
      ['barrier', 3, 'definition'],
      ['wait', 4],
    ),
    outcomes: [
      { step: 0, op: 'join', outcome: 'pass' },
      { step: 1, op: 'barrier', outcome: 'timeout', detail: 'barrier "b1": not every participant arrived' },
      {
        step: 2,
        op: 'expect',
        outcome: 'fail',
        field: 'body.dst',
        expected: 'ff3e::1',
        actual: 'ff3e::2',
        detail: 'field body.dst: expected ff3e::1, got ff3e::2',
      },
    ],
  };

  it('pairs each participant’s outcomes with the definition steps that concern it', () => {
    const m = stepMatrix(def, [h1, h2]);
    expect(m.participants).toEqual(['h1', 'h2']);
    const kinds = m.rows.map((r) =>
      m.participants.map((p) => {
        const c = r.cells[p]!;
        return c.kind === 'result' ? c.outcome : c.kind;
      }),
    );
    expect(kinds).toEqual([
      ['none', 'pass'],
      ['pass', 'none'],
      ['none', 'fail'],
      ['pass', 'missing'],
      ['pass', 'missing'],
    ]);
    expect(m.rows[2]!.cells.h2).toMatchObject({ field: 'body.dst', expected: 'ff3e::1', actual: 'ff3e::2' });
    expect(m.rows.map((r) => r.passed)).toEqual([true, true, false, false, false]);
    expect(m.rows[3]!.cells.h2).toEqual({
      kind: 'missing',
      reason: 'not reported (job failed: step 2 (expect) fail)',
    });
    expect(m.sync.h1).toEqual({ total: 1, failed: [] });
    expect(m.sync.h2!.total).toBe(1);
    expect(m.sync.h2!.failed[0]!.detail).toContain('b1');
  });

  it('places an outcome by the definition step the agent reports with it', () => {
    // A wait reported with its definition step, whatever its place in the plan.
    const late = {
      ...h2,
      outcomes: [...h2.outcomes, { step: 9, definitionStep: 4, op: 'wait', outcome: 'pass' as const }],
    };
    expect(stepMatrix(def, [h1, late]).rows[4]!.cells.h2).toEqual({ kind: 'result', outcome: 'pass' });
  });

  it('marks every step of a participant without a job as missing', () => {
    const m = stepMatrix(def, [h1]);
    expect(m.rows[0]!.cells.h2).toEqual({ kind: 'missing', reason: 'no job' });
  });
});

describe('lossPerSecond', () => {
  it('counts frames that arrive in the next second as in flight, not lost', () => {
    expect(lossPerSecond([100, 100, 100], [95, 105, 100], 0)).toEqual([0, 0, 0]);
    expect(lossPerSecond([100, 100, 100], [95, 105, 100], null)).toEqual([0, 0, 0]);
  });
  it('adds up to the receiver’s total: what the seconds miss is settled at the end', () => {
    const lost = lossPerSecond([100, 100, 50], [100, 80, 50], 23);
    expect(lost).toEqual([0, 20, 3]);
    expect(lossPerSecond([100, 100, 50], [100, 80, 40], 25)).toEqual([0, 20, 5]);
  });
});

describe('receiverSeries', () => {
  const jobs: LoadJob[] = [
    {
      participant: 'tx (sender)',
      plan: { steps: [{ op: 'stream', streamId: 1, pps: 100, durationMs: 2500 }] },
      series: [],
    },
    {
      participant: 'rx (receiver)',
      plan: { steps: [{ op: 'receive' }] },
      series: [
        {
          streamId: 1,
          perSecond: [
            { second: 0, received: 100, latencyMeanMs: 1, latencyP50Ms: 0.9, latencyP99Ms: 1.5 },
            { second: 1, received: 90, latencyMeanMs: 3, latencyP50Ms: 2, latencyP99Ms: 9 },
            { second: 2, received: 50, latencyMeanMs: 2, latencyP50Ms: 2, latencyP99Ms: 3 },
          ],
        },
      ],
    },
  ];
  const summary: ReceiverSummary[] = [
    {
      receiver: 'rx (receiver)',
      sender: 'tx (sender)',
      streamId: 1,
      sent: 250,
      received: 240,
      lost: 10,
      duplicates: 0,
      reordered: 0,
      late: 0,
      latencyMs: { min: 0.5, mean: 2, p50: 1.5, p99: 4, max: 5 },
      clockCorrectionMs: 0.5,
      jitterMs: 0.2,
    },
  ];

  it('gives received against the sender’s rate, loss and corrected latency per second', () => {
    const [rx, ...rest] = receiverSeries(jobs, summary);
    expect(rest).toEqual([]);
    expect(rx).toMatchObject({
      receiver: 'rx (receiver)',
      seconds: [0, 1, 2],
      received: [100, 90, 50],
      expected: [100, 100, 50],
      lost: [0, 10, 0],
      latencyMs: [1.5, 3.5, 2.5],
      latencyP50Ms: [1.4, 2.5, 2.5],
      latencyP99Ms: [2, 9.5, 3.5],
      totals: { sent: 250, received: 240, lost: 10, lossRatio: 0.04 },
      p50: 1.5,
      p99: 4,
    });
  });

  it('leaves per-second percentiles out for series from older agents', () => {
    const old = jobs.map((j) => ({
      ...j,
      series: j.series.map((s) => ({
        ...s,
        perSecond: s.perSecond.map(({ second, received, latencyMeanMs }) => ({
          second,
          received,
          latencyMeanMs,
        })),
      })),
    }));
    const [rx] = receiverSeries(old, summary);
    expect(rx!.latencyP50Ms).toBeUndefined();
    expect(rx).toMatchObject({ p50: 1.5, p99: 4 });
  });

  it('colours loss from green to red', () => {
    expect([0, 0.004, 0.04, 0.5, null].map(lossColour)).toEqual([
      '#2e8540',
      '#c9a227',
      '#e07b00',
      '#c62828',
      '#9aa5b1',
    ]);
  });
});

describe('ticks', () => {
  it('steps by 1, 2 or 5 times a power of ten and covers the maximum', () => {
    expect(ticks(100)).toEqual([0, 50, 100]);
    expect(ticks(95, 4)).toEqual([0, 50, 100]);
    expect(ticks(3.2, 4)).toEqual([0, 1, 2, 3, 4]);
    expect(ticks(0)).toEqual([0, 1]);
  });
});

describe('placeReceivers', () => {
  const graph = {
    layer: 'l3' as const,
    nodes: [
      {
        id: 'r1',
        label: 'core-1',
        role: 'router' as const,
        managed: true,
        addresses: ['2001:db8:b::fe', '192.0.2.1'],
      },
      { id: 'h9', label: 'lab-host', role: 'host' as const, managed: false, addresses: ['2001:DB8:B::1'] },
    ],
    edges: [],
  };

  it('matches a receiver to the node holding one of its addresses (prefix, zone and case ignored)', () => {
    expect(
      placeReceivers(
        [
          { receiver: 'rx (receiver)', addresses: ['fe80::1%eth0', '2001:db8:b::1/64'], lossRatio: 0.1 },
          { receiver: 'far (receiver)', addresses: ['2001:db8:f::1'], lossRatio: 0 },
        ],
        graph,
      ),
    ).toEqual([
      {
        receiver: 'rx (receiver)',
        lossRatio: 0.1,
        node: { id: 'h9', label: 'lab-host', matched: '2001:db8:b::1' },
      },
      { receiver: 'far (receiver)', lossRatio: 0 },
    ]);
  });

  it('a receiver no node holds the address of sits where the server placed it (FDB, ARP/ND, LLDP)', () => {
    const attached = { device: 'r1', ifName: 'ge-0/0/3', evidence: 'FDB' };
    expect(
      placeReceivers(
        [
          { receiver: 'rx (receiver)', addresses: ['2001:db8:f::1'], lossRatio: 0, attached },
          {
            receiver: 'gone (receiver)',
            addresses: [],
            lossRatio: 0,
            attached: { ...attached, device: 'x' },
          },
        ],
        graph,
      ),
    ).toEqual([
      {
        receiver: 'rx (receiver)',
        lossRatio: 0,
        node: { id: 'r1', label: 'core-1', matched: 'FDB on ge-0/0/3' },
      },
      { receiver: 'gone (receiver)', lossRatio: 0 },
    ]);
  });
});

describe('attempts', () => {
  const requeued: AttemptedJob = {
    participant: 'rx (receiver)',
    attempt: 3,
    attempts: [
      { attempt: 1, leasedAt: 'a', startAt: 'a', lostAt: '2026-11-22T14:02:11.000Z', lostReason: 'lost' },
      { attempt: 2, leasedAt: 'b', startAt: 'b', lostAt: '2026-11-22T14:05:00.000Z', lostReason: 'lost' },
      { attempt: 3, leasedAt: 'c', startAt: 'c', lostAt: null, lostReason: null },
    ],
  };
  it('keeps the current attempt’s results apart from the earlier ones (untagged ones are attempt 1’s)', () => {
    const results = [{ attempt: 1 }, { attempt: 3 }, {}, { attempt: 2 }, { attempt: 3 }];
    const { current, earlier } = splitByAttempt(requeued, results);
    expect(current).toEqual([{ attempt: 3 }, { attempt: 3 }]);
    expect(earlier).toEqual([{ attempt: 1 }, {}, { attempt: 2 }]);
    expect(splitByAttempt({ participant: 'x', attempt: 1 }, results).current).toHaveLength(2);
  });
  it('says which attempt is shown, when the earlier ones lost their agent and how many results they left', () => {
    const time = (iso: string) => iso.slice(11, 19);
    expect(attemptNote(requeued, 37, time)).toBe(
      'attempt 3 of job rx (receiver) — attempt 1 lost its agent at 14:02:11, attempt 2 lost its agent at 14:05:00; its 37 earlier results are kept',
    );
    expect(attemptNote({ participant: 'h', attempt: 2 }, 1, time)).toBe(
      'attempt 2 of job h — 1 earlier attempt; its 1 earlier result is kept',
    );
    expect(attemptNote({ participant: 'h', attempt: 1, attempts: [] }, 0, time)).toBeNull();
  });
});

describe('versionUsed', () => {
  const versions = [
    { version: 3, createdAt: '2026-11-22T12:00:00.000Z' },
    { version: 2, createdAt: '2026-11-22T11:00:00.000Z' },
    { version: 1, createdAt: '2026-11-22T10:00:00.000Z' },
  ];
  const started = { startedAt: '2026-11-22T11:30:00.000Z', createdAt: '2026-11-22T11:29:00.000Z' };
  it('takes the version the run recorded, even one saved after a later one', () => {
    expect(versionUsed(versions, { ...started, sequenceId: 's', sequenceVersion: 1 }, 2)).toEqual({
      used: versions[2],
      source: 'recorded',
    });
    expect(versionUsed(versions, { ...started, sequenceVersion: 7 }, undefined)).toEqual({
      used: undefined,
      source: 'recorded',
    });
    expect(sequenceOfRun({ ...started, sequenceId: 'recorded' }, 'task')).toBe('recorded');
    expect(sequenceOfRun({ ...started, sequenceId: null }, 'task')).toBe('task');
  });
  it('falls back for runs recorded before: the task’s version, else the newest saved before the start', () => {
    expect(versionUsed(versions, { ...started, sequenceVersion: null }, 3)).toEqual({
      used: versions[0],
      source: 'named',
    });
    expect(versionUsed(versions, started, undefined)).toEqual({ used: versions[1], source: 'assumed' });
  });
});
