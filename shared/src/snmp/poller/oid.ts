// Numeric OID arithmetic: comparison for walk termination and sub-id lists for index decoding.

export function parseOid(oid: string): number[] {
  return oid.split('.').map(Number);
}

/** Lexicographic comparison of two dotted OIDs by sub-id value: <0, 0, >0. */
export function compareOids(a: string, b: string): number {
  const x = parseOid(a);
  const y = parseOid(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = x[i]! - y[i]!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** True when `oid` lies strictly below `prefix`. */
export function isUnder(oid: string, prefix: string): boolean {
  return oid.startsWith(prefix + '.');
}
