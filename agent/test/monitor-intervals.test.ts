import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MonitorSummary } from '@netspotter/shared/agent-protocol';
import type { PacketEngine } from '../src/engine/engine.ts';
import { RunningMonitor } from '../src/monitor/running-monitor.ts';

const INTERVAL_MS = 2000;
/** An interval boundary on the server's clock (offset 0 here). */
const T0 = 1_796_577_000_000;

describe("a running monitor's intervals", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('closes every interval once and in order when its timer fires just before the wall clock reaches the end', async () => {
    vi.useFakeTimers({ now: T0 + 500 });
    // Node's timers run on libuv's monotonic millisecond clock, whose ticks fall at another phase than
    // Date.now()'s: an interval's timer fires up to 1 ms before the wall clock reaches the interval's end,
    // and the wall clock's tick can come between two reads in the same callback. Here the first read at
    // each interval end is still in the ms before it, every later read is past it.
    const wall = Date.now.bind(Date);
    const ticked = new Set<number>();
    vi.spyOn(Date, 'now').mockImplementation(() => {
      const t = wall();
      if (t % INTERVAL_MS !== 0 || ticked.has(t)) return t;
      ticked.add(t);
      return t - 1;
    });
    const summaries: MonitorSummary[] = [];
    const m = new RunningMonitor(
      {
        monitorId: 'm1',
        name: 'm1',
        interface: 'eth0',
        intervalMs: INTERVAL_MS,
        beaconPps: 5,
        hopLimit: 8,
        key: Buffer.alloc(32).toString('base64'),
        groups: [],
      },
      {
        agentId: 'a1',
        engine: {} as PacketEngine,
        offsetMs: () => 0,
        emit: (s) => summaries.push(s),
        warn: () => undefined,
      },
      [],
      true,
    );
    await m.start();
    try {
      await vi.advanceTimersByTimeAsync(4 * INTERVAL_MS);
    } finally {
      m.stop();
    }
    // Skipping one would leave the server without that interval, and its next one unjudged (judging a
    // receiver's interval needs the one before): a loss in it would be reported an interval or two late.
    expect(summaries.map((s) => s.intervalStart - T0)).toEqual([0, 1, 2, 3].map((i) => i * INTERVAL_MS));
  });
});
