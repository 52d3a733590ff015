// NTP-style clock offset from request round trips (RFC 5905 on-wire calculation): the agent stamps
// t0 on send and t3 on receipt, the server t1 on receipt and t2 on reply. Offset = server − agent.

let anchor = performance.timeOrigin;

/**
 * Wall-clock ms with sub-ms resolution (Date.now() moves in 1 ms steps, which alone would make every
 * offset a multiple of 0.5 ms): the monotonic clock, re-anchored to Date.now() when the system clock
 * was stepped, so it never strays more than ~2 ms from the wall clock the other side compares with.
 */
export function nowMs(): number {
  const wall = Date.now();
  const mono = performance.now();
  let t = anchor + mono;
  if (t < wall - 1 || t >= wall + 2) {
    anchor = wall + 0.5 - mono;
    t = wall + 0.5;
  }
  return t;
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
