// A classic BPF interpreter for the instructions libpcap and our compiler emit, so a filter's verdict
// on a frame can be compared without a socket. Returns the accept length (0 = dropped).
import type { BpfInstruction } from '../../src/binding.ts';

export function runBpf(prog: readonly BpfInstruction[], frame: Buffer, pktType = 0): number {
  let a = 0;
  let x = 0;
  const mem = new Uint32Array(16);
  const load = (off: number, size: 1 | 2 | 4): number | undefined => {
    if (off >>> 0 >= 0xfffff000) return off >>> 0 === 0xfffff004 ? pktType : undefined;
    if (off < 0 || off + size > frame.length) return undefined;
    return size === 1 ? frame[off]! : size === 2 ? frame.readUInt16BE(off) : frame.readUInt32BE(off);
  };
  for (let pc = 0; pc < prog.length; pc++) {
    const [code, jt, jf, k] = prog[pc]!;
    const cls = code & 0x07;
    const size = ({ 0x00: 4, 0x08: 2, 0x10: 1 } as const)[(code & 0x18) as 0 | 8 | 16];
    const mode = code & 0xe0;
    if (cls === 0x00 || cls === 0x01) {
      // LD / LDX
      let v: number | undefined;
      if (mode === 0x20) v = load(k, size);
      else if (mode === 0x40) v = load(x + k, size);
      else if (mode === 0x00) v = k;
      else if (mode === 0x60) v = mem[k];
      else if (mode === 0x80) v = frame.length;
      else if (mode === 0xa0) v = ((load(k, 1) ?? NaN) & 0x0f) * 4; // MSH
      if (v === undefined || Number.isNaN(v)) return 0;
      if (cls === 0x00) a = v >>> 0;
      else x = v >>> 0;
    } else if (cls === 0x02) mem[k] = a;
    else if (cls === 0x03) mem[k] = x;
    else if (cls === 0x04) {
      const src = code & 0x08 ? x : k;
      const op = code & 0xf0;
      a =
        op === 0x00
          ? a + src
          : op === 0x10
            ? a - src
            : op === 0x20
              ? Math.imul(a, src)
              : op === 0x50
                ? a & src
                : op === 0x40
                  ? a | src
                  : op === 0x60
                    ? a << src
                    : op === 0x70
                      ? a >>> src
                      : op === 0x30
                        ? Math.floor(a / src)
                        : a;
      a >>>= 0;
    } else if (cls === 0x05) {
      const op = code & 0xf0;
      const src = code & 0x08 ? x : k;
      if (op === 0x00) pc += k;
      else {
        const t =
          op === 0x10
            ? a === src >>> 0
            : op === 0x20
              ? a > src >>> 0
              : op === 0x30
                ? a >= src >>> 0
                : (a & src) !== 0;
        pc += t ? jt : jf;
      }
    } else if (cls === 0x06) return code & 0x10 ? a : k;
    else if (cls === 0x07) {
      if (code & 0x80) a = x;
      else x = a;
    }
  }
  return 0;
}
