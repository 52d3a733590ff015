import { describe, expect, it } from 'vitest';
import { agentEvents, type AgentSample } from './agent-events.ts';

const sample = (state: string, seen: number): AgentSample => ({ state, seen });
const now = (state: string, seen: number) => [{ id: 'a', name: 'a1', ...sample(state, seen) }];
const conditions = (before: AgentSample, after: ReturnType<typeof now>) =>
  agentEvents(new Map([['a', before]]), after, 50_000).map((e) => e.condition);

describe('agentEvents', () => {
  it('raises when an agent is first read offline, once', () => {
    expect(conditions(sample('suspect', 1000), now('offline', 1000))).toEqual(['raised']);
    expect(conditions(sample('online', 1000), now('offline', 1000))).toEqual(['raised']);
    expect(conditions(sample('offline', 1000), now('offline', 1000))).toEqual([]);
  });

  it('clears when an offline agent is read online', () => {
    const events = agentEvents(new Map([['a', sample('offline', 1000)]]), now('online', 40_000), 50_000);
    expect(events).toEqual([
      {
        at: 50_000,
        kind: 'agent-offline',
        subject: 'agent:a',
        agentId: 'a',
        condition: 'cleared',
        summary: 'agent a1 is online again',
      },
    ]);
  });

  it('clears when an offline agent beat since, though it is late again by the next sample', () => {
    // One beat, then silence: online until its next beat is late, suspect when sampled.
    expect(conditions(sample('offline', 1000), now('suspect', 40_000))).toEqual(['cleared']);
  });

  it('clears and raises again when it came back and went offline between two samples', () => {
    expect(conditions(sample('offline', 1000), now('offline', 40_000))).toEqual(['cleared', 'raised']);
  });

  it('says nothing of agents it had not sampled before, or whose state stayed up', () => {
    expect(agentEvents(new Map(), now('offline', 1000), 50_000)).toEqual([]);
    expect(conditions(sample('online', 1000), now('suspect', 1000))).toEqual([]);
    expect(conditions(sample('suspect', 1000), now('online', 40_000))).toEqual([]);
  });
});
