import { describe, expect, it } from 'vitest';
import { stringifyInSteps } from './json-in-steps.ts';

describe('JSON in steps', () => {
  it('writes what JSON.stringify writes', async () => {
    const docs: unknown[] = [
      { a: 1, b: 'x"y', c: null, d: undefined, e: () => 1, f: [1, undefined, NaN, () => 2, 'z'], g: {} },
      [],
      [[], {}, [{ x: [1, 2, { y: null }] }]],
      { at: new Date(0), buf: Buffer.from('hi'), nested: { deep: [new Date(1)] } },
      { columns: [Array.from({ length: 12_345 }, (_, i) => (i % 7 ? i / 3 : null)), null] },
      Array.from({ length: 2_000 }, (_, i) => ({ id: `s${i}`, name: i % 3 ? `n${i}` : undefined })),
      'text',
      42,
      null,
    ];
    for (const d of docs) expect(await stringifyInSteps(d, 1000)).toBe(JSON.stringify(d));
  });

  it('gives the event loop back while it writes a long array', async () => {
    const doc = { columns: Array.from({ length: 20 }, () => Array.from({ length: 20_000 }, Math.random)) };
    let turns = 0;
    const counting = setInterval(() => turns++, 0);
    await stringifyInSteps(doc);
    clearInterval(counting);
    // 400,000 values at 5,000 per step: 80 steps, each ending in a turn of the event loop.
    expect(turns).toBeGreaterThanOrEqual(20);
  });
});
