import { describe, expect, it } from 'vitest';
import { describeProgress } from './progress.ts';

describe('describeProgress', () => {
  it('shows discovery counters and the current device', () => {
    expect(describeProgress({ phase: 'polling', done: 3, total: 12, current: '192.0.2.9' })).toEqual({
      fraction: 0.25,
      text: 'polling · 3/12 · now 192.0.2.9',
    });
  });
  it('lists other kinds’ counters as they are', () => {
    expect(describeProgress({ waitedMs: 1000, totalMs: 3000 })).toEqual({
      text: 'waitedMs 1000, totalMs 3000',
    });
  });
  it('is empty without progress', () => {
    expect(describeProgress(null)).toEqual({ text: '' });
  });
});
