import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareOids, parseOid } from './oid.ts';

/** The definition: sub-id lists compared element by element, a prefix before its extensions. */
function reference(a: string, b: string): number {
  const [x, y] = [parseOid(a), parseOid(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

describe('compareOids', () => {
  it('orders by sub-id value, a prefix first', () => {
    expect(compareOids('1.3.6.1.2', '1.3.6.1.10')).toBeLessThan(0);
    expect(compareOids('1.3.6.1.2.1', '1.3.6.1.2')).toBeGreaterThan(0);
    expect(compareOids('1.3.6.1.2', '1.3.6.1.2.1')).toBeLessThan(0);
    expect(compareOids('1.3.6.1.4294967295', '1.3.6.1.4294967295')).toBe(0);
    expect(compareOids('1.3.6.1.4294967295', '1.3.6.1.4294967294')).toBeGreaterThan(0);
  });

  it('agrees in sign with the element-wise definition on any OIDs', () => {
    const oid = fc
      .array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 12 })
      .map((xs) => xs.join('.'));
    fc.assert(
      fc.property(oid, oid, (a, b) => Math.sign(compareOids(a, b)) === Math.sign(reference(a, b))),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(oid, fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 3 }), (a, tail) => {
        const b = [a, ...tail].join('.');
        return Math.sign(compareOids(a, b)) === Math.sign(reference(a, b));
      }),
    );
  });
});
