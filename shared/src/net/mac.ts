// MAC addresses: every spelling devices and people use (colons, dashes, dots or spaces, one-digit
// groups, Cisco's aabb.ccdd.eeff, bare hex) to bytes and one canonical text, aa:bb:cc:dd:ee:ff.
const GROUPED = /^([0-9a-f]{1,2})([:\-. ])[0-9a-f]{1,2}(?:\2[0-9a-f]{1,2}){4}$/i;
const CISCO = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i;
const BARE = /^[0-9a-f]{12}$/i;

/** The 6 bytes of a MAC in any usual spelling, or undefined. */
export function macBytes(text: string): Uint8Array | undefined {
  const t = text.trim();
  const groups = GROUPED.test(t)
    ? t.split(/[:\-. ]/)
    : CISCO.test(t) || BARE.test(t)
      ? t.replace(/\./g, '').match(/../g)!
      : undefined;
  return groups && Uint8Array.from(groups, (g) => parseInt(g, 16));
}

export const formatMac = (b: ArrayLike<number>): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');

/** "aa:bb:cc:dd:ee:ff" from any usual spelling, or undefined. */
export function normaliseMac(text: string): string | undefined {
  const b = macBytes(text);
  return b && formatMac(b);
}
