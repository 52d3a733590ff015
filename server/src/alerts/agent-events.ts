// Agents going offline and coming back, read from two samples of their liveness (pure).
import type { NewEvent } from './engine.ts';

/** An agent as the watcher samples it: its liveness state and when it was last seen (ms, 0 if never). */
export interface AgentSample {
  state: string;
  seen: number;
}

/**
 * Agents that went offline, and agents that came back, between two samples (pure). Coming back is read
 * from a newer last-seen time, not only from the state: an agent that beats once after going offline is
 * online only until its next beat is late, and a sample taken after that reads suspect, or offline again,
 * yet it did come back. One that came back and is offline again by now raises a new condition.
 */
export function agentEvents(
  before: ReadonlyMap<string, AgentSample>,
  now: readonly ({ id: string; name: string } & AgentSample)[],
  at: number,
): NewEvent[] {
  return now.flatMap((a): NewEvent[] => {
    const was = before.get(a.id);
    if (was === undefined) return [];
    const base = { kind: 'agent-offline' as const, subject: `agent:${a.id}`, agentId: a.id };
    const cameBack = was.state === 'offline' && (a.state !== 'offline' || a.seen > was.seen);
    const wentDown = a.state === 'offline' && (was.state !== 'offline' || cameBack);
    const events: NewEvent[] = [];
    if (cameBack)
      events.push({ ...base, at, condition: 'cleared', summary: `agent ${a.name} is online again` });
    if (wentDown) events.push({ ...base, at, condition: 'raised', summary: `agent ${a.name} went offline` });
    return events;
  });
}
