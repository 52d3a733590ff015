// Where a watched stream's payload carries a sequence number, and its accounting per source (pure):
// - RTP (RFC 3550 §5.1): version 2 in the first two bits, the 16-bit sequence number at bytes 2–3;
// - MPEG-TS (ISO/IEC 13818-1 §2.4.3): 188-byte packets (7 per datagram typically), each with the 0x47
//   sync byte and a 4-bit continuity counter per PID that advances only with a payload; one repeat is a
//   legal duplicate, a second is an error; adaptation-field-only packets do not advance it; the
//   discontinuity indicator restarts it; the null PID 0x1FFF is stuffing and carries no counter;
// - a field of a user template, read through the packet model's decoder.
// A payload that does not fit (or breaks the counter's rules) is a mismatch, which the caller counts.
import type { SequenceField } from '@netspotter/shared/agent-protocol';
import { readSequenceField, type TemplateLibrary } from '@netspotter/shared';
import { SequenceCounter, type SequenceCounts } from './sequence-counter.ts';

export interface StreamSequence {
  /** One datagram's payload; false when it does not fit (not RTP, not TS, not the template, a CC error). */
  add(payload: Uint8Array): boolean;
  /** Lost, duplicates and reordered since the last take. */
  take(): SequenceCounts;
  /** The receiver (re)joined: the gap while away is not loss. */
  rebase(): void;
}

class RtpSequence implements StreamSequence {
  readonly #counter = new SequenceCounter(16);
  add(p: Uint8Array): boolean {
    if (p.length < 12 || p[0]! >> 6 !== 2) return false;
    this.#counter.add((p[2]! << 8) | p[3]!);
    return true;
  }
  take = () => this.#counter.take();
  rebase = () => this.#counter.rebase();
}

class TemplateSequence implements StreamSequence {
  #counter?: SequenceCounter;
  constructor(
    private readonly lib: TemplateLibrary,
    private readonly template: string,
    private readonly field: string,
  ) {}
  add(p: Uint8Array): boolean {
    const v = readSequenceField(this.lib, this.template, this.field, p);
    if (!v) return false;
    (this.#counter ??= new SequenceCounter(v.bits)).add(v.value);
    return true;
  }
  take = () => this.#counter?.take() ?? { lost: 0, duplicates: 0, reordered: 0 };
  rebase = () => this.#counter?.rebase();
}

export const TS_PACKET = 188;
const NULL_PID = 0x1fff;

interface PidState {
  cc: number;
  /** The last counter was repeated once already (a further repeat is an error). */
  repeated: boolean;
}

class MpegTsContinuity implements StreamSequence {
  readonly #pids = new Map<number, PidState>();
  #lost = 0;
  #dups = 0;

  add(p: Uint8Array): boolean {
    if (p.length === 0 || p.length % TS_PACKET !== 0) return false;
    for (let o = 0; o < p.length; o += TS_PACKET) {
      // Sync byte, no transport error indicator, adaptation_field_control not the reserved '00'.
      if (p[o] !== 0x47 || p[o + 1]! & 0x80 || (p[o + 3]! & 0x30) === 0) return false;
    }
    let fits = true;
    for (let o = 0; o < p.length; o += TS_PACKET) {
      const pid = ((p[o + 1]! & 0x1f) << 8) | p[o + 2]!;
      if (pid === NULL_PID) continue;
      const control = (p[o + 3]! >> 4) & 3;
      const cc = p[o + 3]! & 0x0f;
      const adaptation = control & 2 && p[o + 4]! > 0;
      if (adaptation && p[o + 5]! & 0x80) this.#pids.delete(pid); // discontinuity_indicator
      if (!(control & 1)) continue; // adaptation field only: the counter does not advance
      const s = this.#pids.get(pid);
      if (!s) this.#pids.set(pid, { cc, repeated: false });
      else if (cc === s.cc) {
        this.#dups++;
        if (s.repeated) fits = false;
        s.repeated = true;
      } else {
        this.#lost += (cc - s.cc - 1 + 16) % 16;
        s.cc = cc;
        s.repeated = false;
      }
    }
    return fits;
  }

  take(): SequenceCounts {
    // A 4-bit counter cannot tell a late packet from a gap of 15: TS reordering is not counted.
    const out = { lost: this.#lost, duplicates: this.#dups, reordered: 0 };
    this.#lost = this.#dups = 0;
    return out;
  }

  rebase(): void {
    this.#pids.clear();
  }
}

/** A fresh accounting for one source of a stream with this sequence field. */
export function streamSequence(field: SequenceField, lib: TemplateLibrary): StreamSequence {
  switch (field.kind) {
    case 'rtp':
      return new RtpSequence();
    case 'mpegts':
      return new MpegTsContinuity();
    case 'template':
      return new TemplateSequence(lib, field.template, field.field);
  }
}
