// NTP-style clock offset from request round trips (RFC 5905 on-wire calculation): the agent stamps
// t0 on send and t3 on receipt, the server t1 on receipt and t2 on reply. Offset = server − agent.

/** Bracket width under which a Date.now() reading is trusted to have been taken "at" its monotonic stamps. */
const TIGHT_MS = 0.05;
/** How often the wall clock is compared: a step is followed within this, and a per-frame read stays one call. */
export const STEP_CHECK_MS = 100;

/**
 * A wall clock in ms with sub-ms resolution (Date.now() moves in 1 ms steps, which alone would make every
 * offset a multiple of 0.5 ms): the monotonic clock plus an anchor, first the runtime's time origin.
 * It re-anchors only when a Date.now() reading disagrees with the monotonic readings on either side of it
 * (the system clock was stepped), and then at a millisecond tick, to within TIGHT_MS/2. Comparing each
 * side with its own bound means a reading held up between the clocks (a slow first performance.now(), a
 * preempted thread) cannot re-anchor: it once left agents 0.5–0.9 ms off for their whole life. The
 * comparison runs at most every STEP_CHECK_MS, so the receive path's per-frame stamp is one monotonic read.
 */
export function wallClock(
  readWall: () => number = Date.now,
  readMono: () => number = () => performance.now(),
  origin: number = performance.timeOrigin,
): () => number {
  let anchor = origin;
  const anchorAtTick = (): number => {
    for (let attempt = 0; attempt < 50; attempt++) {
      let before = readMono();
      let wall = readWall();
      for (let spins = 0; spins < 1e6; spins++) {
        const at = readMono();
        const next = readWall();
        if (next !== wall) {
          // The tick (exactly `next` ms) fell between the two Date.now() reads, so between `before` and now.
          const after = readMono();
          if (after - before <= TIGHT_MS) return next - (before + after) / 2;
          break;
        }
        [before, wall] = [at, next];
      }
    }
    return readWall() + 0.5 - readMono(); // never a quiet moment: better ±0.5 ms than a stepped clock
  };
  let nextCheck = -Infinity;
  return () => {
    const before = readMono();
    if (before < nextCheck) return anchor + before;
    nextCheck = before + STEP_CHECK_MS;
    const wall = readWall();
    const after = readMono();
    // The true wall time of the Date.now() read lies in [wall, wall + 1) and between `before` and `after`.
    if (anchor + after < wall - 0.5 || anchor + before >= wall + 1.5) {
      anchor = anchorAtTick();
    }
    return anchor + after;
  };
}

/** This process's sub-ms wall clock: what every stamp the agents and the server compare is read from. */
export const nowMs: () => number = wallClock();

/**
 * How far `clock` may read from the system clock, in ms: |error| + uncertainty, timed at a few
 * millisecond ticks of `readWall` (at a tick the system time is exactly that integer). Two processes
 * anchor their sub-ms clocks independently, so this bounds what a one-host latency between them can be
 * off by. Takes ~`ticks` ms.
 */
export function clockStampError(
  clock: () => number = nowMs,
  readWall: () => number = Date.now,
  ticks = 4,
): number {
  let best = Infinity;
  for (let seen = 0, guard = 0; seen < ticks && guard < 5e6;) {
    let before = clock();
    let wall = readWall();
    for (; guard < 5e6; guard++) {
      const at = clock();
      const next = readWall();
      if (next !== wall) {
        // The tick at `next` fell between the previous wall read (after `before`) and this one (before `after`).
        const after = clock();
        const mid = (before + after) / 2;
        best = Math.min(best, Math.abs(mid - next) + (after - before) / 2);
        seen++;
        break;
      }
      [before, wall] = [at, next];
    }
  }
  return best;
}

export interface ClockSample {
  offsetMs: number;
  rttMs: number;
}

export function clockSample(t0: number, t1: number, t2: number, t3: number): ClockSample {
  return { offsetMs: (t1 - t0 + (t2 - t3)) / 2, rttMs: t3 - t0 - (t2 - t1) };
}

/**
 * Keeps the last samples and answers with the one of least round trip: its offset error is bounded by
 * rtt/2, and queueing delays only ever add to the round trip.
 */
export class ClockFilter {
  readonly #samples: ClockSample[] = [];
  constructor(private readonly size = 8) {}

  add(s: ClockSample): void {
    if (!Number.isFinite(s.offsetMs) || !Number.isFinite(s.rttMs) || s.rttMs < 0) return;
    this.#samples.push(s);
    if (this.#samples.length > this.size) this.#samples.shift();
  }

  best(): ClockSample | undefined {
    let best: ClockSample | undefined;
    for (const s of this.#samples) if (!best || s.rttMs < best.rttMs) best = s;
    return best;
  }
}
