// Event-loop blocks longer than a threshold, each with when it started (ms on the monotonic clock of
// process.hrtime, the clock of a --cpu-prof profile's timestamps, to line the two up) and how long it
// lasted. A timer
// that should fire every `tick` ms and fires late measures the block that held it up.

export interface Stall {
  atMs: number;
  ms: number;
}

export function watchStalls(thresholdMs = 50, tick = 5) {
  const stalls: Stall[] = [];
  const now = () => Number(process.hrtime.bigint() / 1000n) / 1000;
  let last = now();
  const timer = setInterval(() => {
    const t = now();
    const late = t - last - tick;
    if (late > thresholdMs) stalls.push({ atMs: last + tick, ms: late });
    last = t;
  }, tick);
  return {
    stop(): Stall[] {
      clearInterval(timer);
      return stalls;
    },
  };
}
