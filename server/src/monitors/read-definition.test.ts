import { describe, expect, it } from 'vitest';
import { readDefinition } from './definition.ts';

describe('readDefinition', () => {
  it('gives a definition stored before a threshold existed that threshold’s default', () => {
    const stored = {
      groups: [],
      beaconPps: 1,
      intervalSeconds: 10,
      hopLimit: 64,
      thresholds: { degradedLossPct: 5, lostLossPct: 100, degradedDelayMs: null, degradedJitterMs: 3 },
      templates: [],
    };
    expect(readDefinition(stored).thresholds).toEqual({
      degradedLossPct: 5,
      lostLossPct: 100,
      degradedDelayMs: null,
      degradedJitterMs: 3,
      joinLatencyMs: null,
    });
  });

  it('still refuses a definition that is not one', () => {
    expect(() => readDefinition({ groups: 'x' })).toThrow();
  });
});
