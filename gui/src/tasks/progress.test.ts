import { describe, expect, it } from 'vitest';
import { describeProgress, inWords } from './progress.ts';

describe('describeProgress', () => {
  it('shows discovery counters and the current device', () => {
    expect(describeProgress({ phase: 'polling', done: 3, total: 12, current: '192.0.2.9' })).toEqual({
      fraction: 0.25,
      text: 'polling · 3/12 · now 192.0.2.9',
    });
  });
  it('names the device and table being walked, as the discovery task reports them', () => {
    expect(
      describeProgress({ phase: 'poll', done: 1, total: 4, target: 'switch-a', table: 'ifTable' }),
    ).toEqual({
      fraction: 0.25,
      text: 'poll · 1/4 · now switch-a (ifTable)',
    });
  });
  it('says when a device waits for a poller of its site', () => {
    expect(
      describeProgress({
        phase: 'poll',
        done: 0,
        total: 2,
        target: '10.1.0.1',
        waiting: 'for a poller of site "b1"',
      }),
    ).toEqual({ fraction: 0, text: 'poll · 0/2 · now 10.1.0.1 · waiting for a poller of site "b1"' });
  });
  it('gives an agent run its jobs and synchronised start', () => {
    const startAt = new Date(2026, 10, 22, 15, 2, 8, 130).toISOString();
    expect(describeProgress({ jobs: 2, startAt }).text).toBe('2 jobs · synchronised start 15:02:08.130');
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

describe('inWords', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  it('says how far away a run is', () => {
    expect(inWords('2026-11-22T12:00:20Z', now)).toBe('in less than a minute');
    expect(inWords('2026-11-22T12:15:00Z', now)).toBe('in 15 min');
    expect(inWords('2026-11-22T15:20:00Z', now)).toBe('in 3 h 20 min');
    expect(inWords('2026-11-24T13:00:00Z', now)).toBe('in 2 d 1 h');
    expect(inWords('2026-11-23T12:00:00Z', now)).toBe('in 1 d');
  });
});
