// Reads classic BPF in the text form `tcpdump -ddd` prints (a count line, then "code jt jf k" lines),
// so a filter compiled elsewhere (e.g. once on the server) can be handed to the receiver.
import type { BpfInstruction } from './binding.ts';

export function parseBpfText(text: string): BpfInstruction[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const [head, ...body] = lines;
  const count = Number(head);
  if (!Number.isInteger(count) || count !== body.length) {
    throw new TypeError(`BPF text: first line must be the instruction count (${body.length})`);
  }
  return body.map((line, i) => {
    const f = line.split(/\s+/).map(Number);
    if (f.length !== 4 || f.some((n) => !Number.isInteger(n) || n < 0)) {
      throw new TypeError(`BPF text line ${i + 2}: expected "code jt jf k", got "${line}"`);
    }
    return f as BpfInstruction;
  });
}
