// What a simulated receiver reports of an interval: every sender of each group it receives, nothing lost,
// delays and jitter of a quiet LAN (the same for the live load and the 24 h history filled beforehand).
import type { MonitorAssignment, ReceivedGroup } from '@netspotter/shared/agent-protocol';

export function allReceived(a: MonitorAssignment, perInterval: number): ReceivedGroup[] {
  return a.groups
    .filter((g) => g.receive)
    .map((g) => ({
      group: g.id,
      joined: true,
      sources: (g.senders ?? []).map((x) => ({
        source: x.agentId,
        epoch: 1,
        received: perInterval,
        lost: 0,
        duplicates: 0,
        reordered: 0,
        delayMinMs: 0.2 + Math.random() * 0.1,
        delayP50Ms: 0.4 + Math.random() * 0.2,
        delayP99Ms: 0.9 + Math.random() * 0.5,
        jitterMs: Math.random() * 0.2,
        hops: 0,
      })),
    }));
}
