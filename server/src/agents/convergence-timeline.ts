// A convergence run's timeline (pure): its receivers' outages and joins, and the events and snapshots
// recorded while it ran, in time order with their offset from the run's start, so an outage is read
// beside the link that went down or the tree that changed.
import type { ConvergenceLine, TimelineEntry } from '@netspotter/shared/results';

export interface WindowEvent {
  id: string;
  at: Date;
  kind: string;
  subject: string;
  summary: string;
}

export interface WindowSnapshot {
  id: string;
  takenAt: Date;
}

export function convergenceTimeline(
  lines: ConvergenceLine[],
  events: WindowEvent[],
  snapshots: WindowSnapshot[],
  startAtMs: number,
): TimelineEntry[] {
  const offset = (at: string) => Date.parse(at) - startAtMs;
  const entries: TimelineEntry[] = [
    ...events.map((e) => ({
      at: e.at.toISOString(),
      offsetMs: e.at.getTime() - startAtMs,
      what: 'event' as const,
      summary: `${e.subject}: ${e.summary}`,
      eventId: e.id,
      eventKind: e.kind,
    })),
    ...snapshots.map((s) => ({
      at: s.takenAt.toISOString(),
      offsetMs: s.takenAt.getTime() - startAtMs,
      what: 'snapshot' as const,
      summary: 'topology snapshot taken',
      snapshotId: s.id,
    })),
    ...lines.flatMap((l) => [
      ...(l.joinedAt === null
        ? []
        : [
            {
              at: l.joinedAt,
              offsetMs: offset(l.joinedAt),
              what: 'join' as const,
              summary:
                l.joinLatencyMs === null
                  ? `${l.receiver} joined; no frame of stream ${l.streamId} came`
                  : `${l.receiver} joined; first frame of stream ${l.streamId} after ${l.joinLatencyMs} ms`,
              receiver: l.receiver,
            },
          ]),
      ...l.outages.map((o) => ({
        at: o.startAt,
        offsetMs: o.offsetMs,
        what: 'outage' as const,
        summary: `${l.receiver}: stream ${l.streamId} lost for ${o.durationMs} ms (${o.lost} frames)`,
        receiver: l.receiver,
        durationMs: o.durationMs,
      })),
    ]),
  ];
  // Stable: at one instant, events come before what the receivers saw.
  return entries.sort((a, b) => a.offsetMs - b.offsetMs);
}
