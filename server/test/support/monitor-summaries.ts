// Beacon summaries as the agents of a full-mesh monitor upload them, for API tests: every agent sends
// two beacons an interval and receives every other agent's, unless told it lost one sender's.
import { randomUUID } from 'node:crypto';
import type { MonitorSummary, SourceFigures } from '@netspotter/shared/agent-protocol';
import type { TestAgent } from './agent-calls.ts';

/** What a receiver reports of one sender in an interval: both beacons, or (`lost`) neither. */
export function heardFrom(source: string, lost: boolean, hops: number): SourceFigures {
  return {
    source,
    epoch: 1,
    received: lost ? 0 : 2,
    lost: lost ? 2 : 0,
    duplicates: 0,
    reordered: 0,
    delayMinMs: 0.1,
    delayP50Ms: 0.2,
    delayP99Ms: 0.3,
    jitterMs: 0.05,
    hops,
  };
}

export function meshSummary(
  ids: { monitorId: string; groupId: string },
  agents: readonly TestAgent[],
  agent: TestAgent,
  start: number,
  lossFrom?: string,
): MonitorSummary {
  return {
    id: randomUUID(),
    monitorId: ids.monitorId,
    intervalStart: start,
    intervalMs: 1000,
    sent: [{ group: ids.groupId, epoch: 1, count: 2, lastSeq: 2 * (start / 1000) }],
    received: [
      {
        group: ids.groupId,
        joined: true,
        sources: agents.filter((x) => x !== agent).map((x) => heardFrom(x.id, x.name === lossFrom, 0)),
      },
    ],
  };
}
