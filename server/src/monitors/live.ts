// What the server knows right now about each running monitor: every agent's newest summaries, what
// senders reported sending, each cell's newest figures, join and leave latencies and agents' problems.
// The evaluator judges cells from it; the matrix and /metrics read it.
import type { CellFigures } from './record.ts';

/** Intervals kept per cell and per agent: enough to find the newest one both sides of a cell reported. */
const KEEP = 4;

export interface Point {
  start: number;
  figures: CellFigures;
}

function keepNewest<T extends { start: number }>(list: T[], item: T): void {
  const i = list.findIndex((x) => x.start === item.start);
  if (i >= 0) list[i] = item;
  else {
    list.push(item);
    list.sort((a, b) => a.start - b.start);
    if (list.length > KEEP) list.shift();
  }
}

export class MonitorLive {
  /** Interval starts of each agent's newest summaries, ascending. */
  readonly agentStarts = new Map<string, number[]>();
  /** Beacons sent per `group|agent`, by interval start (newest few). */
  readonly sent = new Map<string, { start: number; count: number }[]>();
  readonly points = new Map<number, Point[]>();
  readonly joinLatency = new Map<number, number>();
  /** Per `group|receiver`. */
  readonly leaveLatency = new Map<string, number>();
  readonly problems = new Map<string, string[]>();
  /** When the newest summary's interval ended. */
  newestSummaryEnd?: number;
  /** Moves with every summary applied and every cell state change: a matrix built at one revision stays true until it moves. */
  revision = 0;

  constructor(
    readonly intervalMs: number,
    /** No stale verdicts before this: the agents need time to learn (again) that the monitor runs. */
    public staleNotBefore: number,
  ) {}

  summary(agentId: string, start: number, intervalMs: number): void {
    this.revision++;
    const starts = this.agentStarts.get(agentId) ?? [];
    if (!starts.includes(start)) {
      starts.push(start);
      starts.sort((a, b) => a - b);
      if (starts.length > KEEP) starts.shift();
    }
    this.agentStarts.set(agentId, starts);
    this.newestSummaryEnd = Math.max(this.newestSummaryEnd ?? 0, start + intervalMs);
  }

  sentBy(groupId: string, agentId: string, start: number, count: number): void {
    const key = `${groupId}|${agentId}`;
    const list = this.sent.get(key) ?? [];
    keepNewest(list, { start, count });
    this.sent.set(key, list);
  }

  point(cellNo: number, start: number, figures: CellFigures): void {
    const list = this.points.get(cellNo) ?? [];
    keepNewest(list, { start, figures });
    this.points.set(cellNo, list);
    if (figures.joinLatencyMs !== null) this.joinLatency.set(cellNo, figures.joinLatencyMs);
  }

  latestStart(agentId: string): number | undefined {
    return this.agentStarts.get(agentId)?.at(-1);
  }

  latestSent(groupId: string, agentId: string): number | undefined {
    return this.sent.get(`${groupId}|${agentId}`)?.at(-1)?.start;
  }

  /**
   * The intervals a cell has to be judged on, oldest first: those after `after` that the receiver
   * reported and (beacons: `senderId` given) the sender too. Summaries that arrive together (an upload
   * held up, an evaluation late) are each judged, so a one-interval outage between them is not skipped
   * and a change is dated by the interval it happened in. With nothing judged yet (`after` undefined),
   * only the newest such interval.
   */
  startsToJudge(receiverId: string, groupId: string, senderId: string | undefined, after?: number): number[] {
    // Both lists hold at most KEEP entries: searched as they are (this runs for every cell each second).
    const starts = this.agentStarts.get(receiverId);
    const sent = senderId === undefined ? undefined : this.sent.get(`${groupId}|${senderId}`);
    if (!starts || (senderId !== undefined && !sent)) return [];
    const out: number[] = [];
    for (let i = starts.length - 1; i >= 0; i--) {
      const s = starts[i]!;
      if (after !== undefined && s <= after) break;
      if (sent && !sent.some((x) => x.start === s)) continue;
      out.unshift(s);
      if (after === undefined) break;
    }
    return out;
  }

  sentAt(groupId: string, senderId: string, start: number): number | undefined {
    return this.sent.get(`${groupId}|${senderId}`)?.find((s) => s.start === start)?.count;
  }

  figuresAt(cellNo: number, start: number): CellFigures | undefined {
    return this.points.get(cellNo)?.find((p) => p.start === start)?.figures;
  }

  newest(cellNo: number): Point | undefined {
    return this.points.get(cellNo)?.at(-1);
  }
}
