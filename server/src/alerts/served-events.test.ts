import { describe, expect, it } from 'vitest';
import type { TreeDifference } from '@netspotter/shared/api';
import type { ReceiverNow } from '../multicast/tree-diff.ts';
import { notServedEvents, servedSubject } from './served-events.ts';

const flow = { group: 'ff3e::1234', source: '2001:db8:1::11' };
const rx = (name: string, state: ReceiverNow['state']): ReceiverNow => ({
  agentId: `id-${name}`,
  name,
  state,
});
const notServed = (receiver: string): TreeDifference => ({
  kind: 'expected-not-served',
  device: 'sw',
  ifIndex: 4,
  ifName: 'p4',
  receiver,
  message: `${receiver} on SW p4 is on the expected (S,G) tree of … but gets no beacons (lost)`,
});

describe('notServedEvents', () => {
  it('raises once per receiver named, clears when it is no longer named', () => {
    const raised = new Set<string>();
    const first = notServedEvents(
      flow,
      [rx('rx1', 'lost'), rx('rx2', 'ok')],
      [notServed('rx1')],
      raised,
      1000,
    );
    expect(first).toEqual([
      expect.objectContaining({
        kind: 'receiver-not-served',
        condition: 'raised',
        subject: servedSubject(flow, 'id-rx1'),
        agentId: 'id-rx1',
        deviceId: 'sw',
        details: { receiver: 'rx1', state: 'lost', port: 'p4' },
      }),
    ]);
    // Still not served: nothing new.
    expect(notServedEvents(flow, [rx('rx1', 'lost')], [notServed('rx1')], raised, 2000)).toEqual([]);
    const cleared = notServedEvents(flow, [rx('rx1', 'ok')], [], raised, 3000);
    expect(cleared).toEqual([
      expect.objectContaining({
        condition: 'cleared',
        subject: servedSubject(flow, 'id-rx1'),
        summary: 'rx1 is served again: (2001:db8:1::11, ff3e::1234)',
      }),
    ]);
    expect(raised.size).toBe(0);
  });

  it('ignores other differences and leaves other flows’ conditions alone', () => {
    const other = { group: 'ff3e::99' };
    const raised = new Set([servedSubject(other, 'id-rx9')]);
    const events = notServedEvents(
      flow,
      [rx('rx1', 'lost')],
      [{ kind: 'branch-serving-nobody', device: 'r1', message: 'idle' }],
      raised,
      1000,
    );
    expect(events).toEqual([]);
    expect([...raised]).toEqual([servedSubject(other, 'id-rx9')]);
  });
});
