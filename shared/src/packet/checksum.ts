// Internet checksum (RFC 1071) and CRC-32 (IEEE 802.3) over byte ranges.

/** One's-complement sum of 16-bit big-endian words, not folded; `odd` starts mid-word. */
export function onesSum(bytes: Uint8Array, start: number, end: number, odd = false): number {
  let sum = 0;
  let i = start;
  if (odd && i < end) sum += bytes[i++]!;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

/** Folds a sum into 16 bits with end-around carry. */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The Internet checksum over a list of byte chunks taken as one stream. */
export function inetChecksum(chunks: Uint8Array[]): number {
  let sum = 0;
  let pos = 0;
  for (const c of chunks) {
    sum += onesSum(c, 0, c.length, pos % 2 === 1);
    pos += c.length;
    sum = fold(sum);
  }
  return ~fold(sum) & 0xffff;
}

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(chunks: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const chunk of chunks) for (const b of chunk) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
