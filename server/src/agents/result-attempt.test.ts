import { describe, expect, it } from 'vitest';
import { attemptAt, LEASE_CLOCK_SLACK_MS } from './result-attempt.ts';

describe('attemptAt', () => {
  const t0 = Date.parse('2026-11-22T12:00:00Z');
  const leases = [
    { attempt: 2, leasedAt: new Date(t0 + 20_000) },
    { attempt: 1, leasedAt: new Date(t0) },
    { attempt: 3, leasedAt: new Date(t0 + 40_000) },
  ];
  it('gives a result the last attempt leased before it was recorded', () => {
    expect(attemptAt(leases, t0 + 5_000, 3)).toBe(1);
    expect(attemptAt(leases, t0 + 25_000, 3)).toBe(2);
    expect(attemptAt(leases, t0 + 60_000, 3)).toBe(3);
    // a replay of attempt 1 arriving during attempt 3 keeps attempt 1
    expect(attemptAt(leases.slice(0, 2), t0 + 10_000, 3)).toBe(1);
  });
  it('allows the agent clock error around a lease, and falls back where no lease is known', () => {
    expect(attemptAt(leases, t0 + 20_000 - LEASE_CLOCK_SLACK_MS / 2, 3)).toBe(2);
    expect(attemptAt(leases, t0 + 20_000 - LEASE_CLOCK_SLACK_MS - 1, 3)).toBe(1);
    expect(attemptAt(leases, t0 - 60_000, 3)).toBe(1);
    expect(attemptAt([], t0, 2)).toBe(2);
  });
});
