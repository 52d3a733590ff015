import { describe, expect, it } from 'vitest';
import { wait } from './wait.ts';

describe('wait', () => {
  it('waits the whole time unless the signal aborts, and says which', async () => {
    expect(await wait(5)).toBe(true);
    const stop = new AbortController();
    const started = Date.now();
    const cut = wait(10_000, stop.signal);
    stop.abort();
    expect(await cut).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await wait(10_000, stop.signal)).toBe(false);
  });
});
