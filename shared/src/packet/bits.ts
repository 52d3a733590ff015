// Big-endian bit-field access at arbitrary bit offsets (network order, most significant bit first).
// Widths up to 32 bits use Number arithmetic (much faster than BigInt); wider ones BigInt.

export function writeBits(buf: Uint8Array, bitPos: number, bits: number, value: bigint): void {
  if (bits <= 32) {
    const v = Number(value);
    if (bitPos % 8 === 0 && bits % 8 === 0) {
      for (let i = bits / 8 - 1, x = v; i >= 0; i--, x = Math.floor(x / 256)) buf[bitPos / 8 + i] = x & 0xff;
      return;
    }
    for (let i = 0; i < bits; i++) {
      const p = bitPos + i;
      const mask = 0x80 >> (p % 8);
      buf[p >> 3] = Math.floor(v / 2 ** (bits - 1 - i)) & 1 ? buf[p >> 3]! | mask : buf[p >> 3]! & ~mask;
    }
    return;
  }
  writeBits(buf, bitPos, bits - 32, value >> 32n);
  writeBits(buf, bitPos + bits - 32, 32, value & 0xffffffffn);
}

export function readBits(buf: Uint8Array, bitPos: number, bits: number): bigint {
  if (bits > 32) return (readBits(buf, bitPos, bits - 32) << 32n) | readBits(buf, bitPos + bits - 32, 32);
  let v = 0;
  if (bitPos % 8 === 0 && bits % 8 === 0) {
    for (let i = 0; i < bits / 8; i++) v = v * 256 + buf[bitPos / 8 + i]!;
    return BigInt(v);
  }
  for (let i = 0; i < bits; i++) {
    const p = bitPos + i;
    v = v * 2 + ((buf[p >> 3]! >> (7 - (p % 8))) & 1);
  }
  return BigInt(v);
}
