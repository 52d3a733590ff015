// Big-endian bit-field access at arbitrary bit offsets (network order, most significant bit first).

export function writeBits(buf: Uint8Array, bitPos: number, bits: number, value: bigint): void {
  if (bitPos % 8 === 0 && bits % 8 === 0) {
    for (let i = bits / 8 - 1, v = value; i >= 0; i--, v >>= 8n) buf[bitPos / 8 + i] = Number(v & 0xffn);
    return;
  }
  for (let i = 0; i < bits; i++) {
    const bit = Number((value >> BigInt(bits - 1 - i)) & 1n);
    const p = bitPos + i;
    const mask = 0x80 >> (p % 8);
    buf[p >> 3] = bit ? buf[p >> 3]! | mask : buf[p >> 3]! & ~mask;
  }
}

export function readBits(buf: Uint8Array, bitPos: number, bits: number): bigint {
  let v = 0n;
  if (bitPos % 8 === 0 && bits % 8 === 0) {
    for (let i = 0; i < bits / 8; i++) v = (v << 8n) | BigInt(buf[bitPos / 8 + i]!);
    return v;
  }
  for (let i = 0; i < bits; i++) {
    const p = bitPos + i;
    v = (v << 1n) | BigInt((buf[p >> 3]! >> (7 - (p % 8))) & 1);
  }
  return v;
}
