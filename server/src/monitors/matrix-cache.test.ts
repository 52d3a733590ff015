import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoadedMonitor } from './catalog.ts';
import type { MonitorLive } from './live.ts';
import { MatrixCache } from './matrix-cache.ts';

describe('the live matrix kept ready', () => {
  const m = {} as LoadedMonitor;
  let live: { revision: number };
  let builds: number[];
  let cache: MatrixCache;
  const build = async (at: number) => (builds.push(at), { at, revision: live.revision });
  const read = async (via = build) =>
    JSON.parse((await cache.get(m, live as MonitorLive, Date.now(), via)).json.toString()) as {
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

  it('builds on the first read, then rebuilds in the background while it changes, at most every 2 s', async () => {
    expect(await read()).toEqual({ at: 1_000_000, revision: 1 });
    live.revision = 2;
    await vi.advanceTimersByTimeAsync(1000);
    expect((await read()).revision).toBe(1); // served at once, not rebuilt for the read
    await vi.advanceTimersByTimeAsync(1000);
    expect(builds).toEqual([1_000_000, 1_002_000]);
    expect(await read()).toEqual({ at: 1_002_000, revision: 2 });
    // Moving all the time: one build per 2 s, none for the reads in between.
    for (let i = 0; i < 40; i++) {
      live.revision++;
      await vi.advanceTimersByTimeAsync(250);
      await read();
    }
    expect(builds).toHaveLength(2 + 5);
  });

  it('refreshes an unchanged matrix every 5 s (its ages count to its build) and stops a minute after the last read', async () => {
    await read();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(builds).toHaveLength(1 + 4);
    await vi.advanceTimersByTimeAsync(60_000);
    const n = builds.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(builds).toHaveLength(n);
    await read(); // dropped by now: the read builds it again
    expect(builds).toHaveLength(n + 1);
  });

  it('reads waiting for a first build share it; reads during a background build get the previous one', async () => {
    let finish: (() => void) | undefined;
    const slow = async (at: number) => {
      await new Promise<void>((r) => (finish = r));
      return build(at);
    };
    const first = [read(slow), read(slow), read(slow)];
    finish!();
    expect((await Promise.all(first)).map((d) => d.at)).toEqual([1_000_000, 1_000_000, 1_000_000]);
    expect(builds).toHaveLength(1);
    live.revision = 2;
    await vi.advanceTimersByTimeAsync(2000); // the background build begins, and waits
    expect(await read(slow)).toEqual({ at: 1_000_000, revision: 1 });
    await vi.advanceTimersByTimeAsync(1000); // no second build while one is under way
    finish!();
    await vi.advanceTimersByTimeAsync(0);
    expect(builds).toEqual([1_000_000, 1_002_000]);
    expect(await read(slow)).toEqual({ at: 1_002_000, revision: 2 });
  });

  it('a build that fails in the background drops the matrix; the next read builds it and sees the error', async () => {
    await read();
    live.revision = 2;
    let fail = true;
    const failing = async (at: number) => {
      if (fail) throw new Error('broken');
      return build(at);
    };
    await read(failing);
    await vi.advanceTimersByTimeAsync(2000);
    await expect(read(failing)).rejects.toThrow('broken');
    fail = false;
    expect((await read(failing)).revision).toBe(2);
  });
});
