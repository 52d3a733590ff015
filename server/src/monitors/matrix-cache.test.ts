import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoadedMonitor } from './catalog.ts';
import type { MonitorLive } from './live.ts';
import { MatrixCache } from './matrix-cache.ts';

describe('the live matrix kept ready', () => {
  const m = {} as LoadedMonitor;
  let live: { revision: number };
  let builds: number[];
  let cache: MatrixCache;
  const build = (at: number) => (builds.push(at), { at, revision: live.revision });
  const read = () =>
    JSON.parse(cache.get(m, live as MonitorLive, Date.now(), build).json.toString()) as {
      at: number;
      revision: number;
    };

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    live = { revision: 1 };
    builds = [];
    cache = new MatrixCache();
  });
  afterEach(() => {
    cache.close();
    vi.useRealTimers();
  });

  it('builds on the first read, then rebuilds in the background while it changes, at most every 2 s', () => {
    expect(read()).toEqual({ at: 1_000_000, revision: 1 });
    live.revision = 2;
    vi.advanceTimersByTime(1000);
    expect(read().revision).toBe(1); // served at once, not rebuilt for the read
    vi.advanceTimersByTime(1000);
    expect(builds).toEqual([1_000_000, 1_002_000]);
    expect(read()).toEqual({ at: 1_002_000, revision: 2 });
    // Moving all the time: one build per 2 s, none for the reads in between.
    for (let i = 0; i < 40; i++) {
      live.revision++;
      vi.advanceTimersByTime(250);
      read();
    }
    expect(builds).toHaveLength(2 + 5);
  });

  it('refreshes an unchanged matrix every 5 s (its ages count to its build) and stops a minute after the last read', () => {
    read();
    vi.advanceTimersByTime(20_000);
    expect(builds).toHaveLength(1 + 4);
    vi.advanceTimersByTime(60_000);
    const n = builds.length;
    vi.advanceTimersByTime(60_000);
    expect(builds).toHaveLength(n);
    read(); // dropped by now: the read builds it again
    expect(builds).toHaveLength(n + 1);
  });

  it('a build that fails in the background drops the matrix; the next read builds it and sees the error', () => {
    read();
    live.revision = 2;
    let fail = true;
    const failing = (at: number) => {
      if (fail) throw new Error('broken');
      return build(at);
    };
    cache.get(m, live as MonitorLive, Date.now(), failing);
    vi.advanceTimersByTime(2000);
    expect(() => cache.get(m, live as MonitorLive, Date.now(), failing)).toThrow('broken');
    fail = false;
    expect(JSON.parse(cache.get(m, live as MonitorLive, Date.now(), failing).json.toString()).revision).toBe(
      2,
    );
  });
});
