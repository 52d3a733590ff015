// Numeric OID arithmetic: comparison for walk termination and sub-id lists for index decoding.

export function parseOid(oid: string): number[] {
  return oid.split('.').map(Number);
}

/**
 * Lexicographic comparison of two dotted OIDs by sub-id value: <0, 0, >0. Reads the sub-ids in place: the
 * walker compares every varbind it receives, and splitting both OIDs each time was the poller's top cost.
 */
export function compareOids(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    let x = 0;
    for (let c = a.charCodeAt(i); i < a.length && c !== 46; c = a.charCodeAt(++i)) x = x * 10 + c - 48;
    let y = 0;
    for (let c = b.charCodeAt(j); j < b.length && c !== 46; c = b.charCodeAt(++j)) y = y * 10 + c - 48;
    if (x !== y) return x - y;
    i++; // past the dots
    j++;
  }
  return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0);
}

/** True when `oid` lies strictly below `prefix`. */
export function isUnder(oid: string, prefix: string): boolean {
  return oid.startsWith(prefix + '.');
}
