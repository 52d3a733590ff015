import { describe, expect, it } from 'vitest';
import {
  ClockFilter,
  clockSample,
  clockStampError,
  describeStep,
  formatEnrolmentToken,
  nowMs,
  STEP_CHECK_MS,
  wallClock,
  parseEnrolmentToken,
  planDurationMs,
  type Plan,
} from '@netspotter/shared/agent-protocol';

describe('enrolment token', () => {
  const secret = 'a'.repeat(43);
  const fingerprint = 'ab'.repeat(32);
  it('round-trips secret and fingerprint, and the plaintext form', () => {
    expect(parseEnrolmentToken(formatEnrolmentToken({ secret, fingerprint }))).toEqual({
      secret,
      fingerprint,
    });
    expect(parseEnrolmentToken(` ${formatEnrolmentToken({ secret })}\n`)).toEqual({ secret });
  });
  it('refuses malformed tokens without echoing the secret', () => {
    expect(() => parseEnrolmentToken('nst_abc')).toThrow(/not a Netspotter enrolment token/);
    expect(() => parseEnrolmentToken(`nse1.${secret}.xyz`)).toThrow(/fingerprint/);
    expect(() => parseEnrolmentToken(`nse1.short.${fingerprint}`)).toThrow(/malformed secret$/);
  });
});

describe('NTP-style clock offset', () => {
  it('recovers a known offset from a symmetric exchange', () => {
    // server is 100 ms ahead; 10 ms each way; server takes 2 ms
    const s = clockSample(1000, 1110, 1112, 1022);
    expect(s).toEqual({ offsetMs: 100, rttMs: 20 });
  });
  it('keeps the sample of least round trip (least error)', () => {
    const f = new ClockFilter(3);
    f.add({ offsetMs: 50, rttMs: 40 });
    f.add({ offsetMs: 101, rttMs: 2 });
    f.add({ offsetMs: 80, rttMs: 30 });
    expect(f.best()).toEqual({ offsetMs: 101, rttMs: 2 });
    f.add({ offsetMs: 1, rttMs: 10 });
    f.add({ offsetMs: 2, rttMs: 11 }); // the 2 ms sample has aged out of the window of 3
    expect(f.best()).toEqual({ offsetMs: 1, rttMs: 10 });
    f.add({ offsetMs: 0, rttMs: -1 });
    expect(f.best()).toEqual({ offsetMs: 1, rttMs: 10 });
  });
});

describe('nowMs', () => {
  it('is the wall clock with sub-ms resolution', () => {
    const seen = new Set<number>();
    const walls = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const [before, t, after] = [Date.now(), nowMs(), Date.now()];
      expect(t).toBeGreaterThanOrEqual(before - 1);
      expect(t).toBeLessThan(after + 2);
      seen.add(t);
      walls.add(before);
    }
    // Many distinct readings within each millisecond Date.now() shows.
    expect(seen.size).toBeGreaterThan(walls.size);
  });

  /** A simulated host: true time advances `tick` ms per clock read; `hold` adds a delay to chosen reads. */
  const host = (wallOffset: number) => {
    let t = 5_000.123;
    const h = {
      wallOffset,
      tick: 0.0005,
      hold: [] as number[],
      reads: 0,
      now: () => t,
      read: () => {
        t += h.tick + (h.hold[h.reads++] ?? 0);
        return t;
      },
    };
    const clock = wallClock(
      () => Math.floor(h.read() + h.wallOffset),
      () => h.read() - 4_000, // the monotonic clock starts elsewhere
      4_000 + wallOffset,
    );
    return { h, clock };
  };

  it('is not re-anchored by a reading held up between the two clocks (a slow first call, a preempted thread)', () => {
    const { h, clock } = host(1_700_000_000_000);
    h.hold[1] = 3; // held up 3 ms between the first monotonic read and Date.now()
    h.hold[2] = 3; // and again before the next monotonic read
    const first = clock();
    expect(Math.abs(first - (h.now() + h.wallOffset))).toBeLessThan(0.01);
    for (let i = 0; i < 100; i++) expect(Math.abs(clock() - (h.now() + h.wallOffset))).toBeLessThan(0.01);
  });

  it('follows a stepped system clock to within a few microseconds', () => {
    const { h, clock } = host(1_700_000_000_000);
    clock();
    h.wallOffset += 1_000.3217;
    // A busy host: every 100th read is held up 0.4 ms, so most ticks cannot be timed closely.
    for (let i = h.reads; i < h.reads + 1e6; i += 100) h.hold[i] = 0.4;
    h.hold[h.reads] = STEP_CHECK_MS; // the wall clock is compared again only after this
    clock();
    for (let i = 0; i < 100; i++) expect(Math.abs(clock() - (h.now() + h.wallOffset))).toBeLessThan(0.03);
    h.wallOffset -= 60_000.77;
    expect(Math.abs(clock() - (h.now() + h.wallOffset + 60_000.77))).toBeLessThan(0.03); // not yet compared
    h.hold[h.reads] = STEP_CHECK_MS;
    clock();
    expect(Math.abs(clock() - (h.now() + h.wallOffset))).toBeLessThan(0.03);
  });
});

describe('step numbers as people see them', () => {
  it('count the definition step from 1, as the results table does; a compiler barrier is a sync point', () => {
    expect(describeStep({ op: 'expect', step: 2, definitionStep: 2 })).toBe('step 3 (expect)');
    expect(describeStep({ op: 'barrier', step: 1, definitionStep: 1, origin: 'handover' })).toBe(
      'sync before step 2',
    );
    expect(describeStep({ op: 'barrier', step: 3, definitionStep: 5, origin: 'definition' })).toBe(
      'step 6 (barrier)',
    );
    // Load plans have no definition: their own places, from 1.
    expect(describeStep({ op: 'receive', step: 0 })).toBe('step 1 (receive)');
  });
});

describe('plan duration', () => {
  it('adds up sends, timeouts, waits, streams and receive windows with their late grace', () => {
    const plan: Plan = {
      kind: 'sequence',
      templates: [],
      steps: [
        {
          op: 'send',
          step: 0,
          interface: 'eth0',
          message: { template: 'ethernet' },
          count: 3,
          intervalMs: 100,
        },
        {
          op: 'expect',
          step: 1,
          interface: 'eth0',
          message: { template: 'ethernet' },
          count: 1,
          timeoutMs: 2000,
        },
        { op: 'wait', step: 2, ms: 500 },
        {
          op: 'receive',
          step: 3,
          interface: 'eth0',
          group: 'ff3e::1',
          port: 5000,
          durationMs: 1000,
          lateMs: 200,
        },
      ],
    };
    expect(planDurationMs(plan)).toBe(300 + 2000 + 500 + 1200);
  });
});

describe('clockStampError', () => {
  it('measures how far a clock reads from the system clock at its millisecond ticks', () => {
    let t = 1_700_000_000_000.3;
    const read = () => (t += 0.0003);
    for (const off of [0.007, -0.0123, 0]) {
      const clock = () => read() + off;
      const err = clockStampError(clock, () => Math.floor(t), 3);
      expect(err).toBeGreaterThanOrEqual(Math.abs(off) - 1e-9);
      expect(err).toBeLessThan(Math.abs(off) + 0.002);
    }
  });

  it("bounds this process's own clock to well under a millisecond", () => {
    expect(clockStampError()).toBeLessThan(0.5);
  });
});
