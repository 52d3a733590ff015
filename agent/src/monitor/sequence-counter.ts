// Sequence-number accounting for one stream (pure): lost (gaps), duplicates, and reordered (a missing
// number that turned up late, which then is not lost). Numbers of a `bits`-wide field wrap at 2^bits and
// are extended across wraps (RFC 3550 A.1); a jump back further than the remembered window is the
// sender starting over, not loss. Without `bits` numbers never wrap (beacons carry a double).

/** Sequence numbers remembered behind the highest one (for duplicates and late arrivals). */
export const WINDOW = 4096;

export interface SequenceCounts {
  lost: number;
  duplicates: number;
  reordered: number;
}

export class SequenceCounter {
  /** The highest extended sequence number so far; -Infinity before the first (or after a rebase). */
  #highest = -Infinity;
  readonly #seen = new Set<number>();
  readonly #missing = new Set<number>();
  readonly #modulus: number;
  #lost = 0;
  #dups = 0;
  #reordered = 0;

  constructor(bits?: number) {
    this.#modulus = bits === undefined ? Infinity : 2 ** bits;
  }

  /** The next number starts the accounting afresh (a rejoin: the gap while away is not loss). */
  rebase(): void {
    this.#highest = -Infinity;
  }

  /** Forgets everything seen (the sender restarted: its numbers begin again). */
  reset(): void {
    this.rebase();
    this.#seen.clear();
    this.#missing.clear();
  }

  /** One number; false when it is a duplicate (the packet was counted before). */
  add(seq: number): boolean {
    const ext = this.#extend(seq);
    if (this.#seen.has(ext)) {
      this.#dups++;
      return false;
    }
    this.#seen.add(ext);
    if (this.#highest === -Infinity) this.#highest = ext;
    else if (ext > this.#highest) {
      for (let s = Math.max(this.#highest + 1, ext - WINDOW); s < ext; s++) this.#missing.add(s);
      this.#lost += ext - this.#highest - 1;
      this.#highest = ext;
    } else if (this.#missing.delete(ext)) {
      this.#reordered++;
      if (this.#lost > 0) this.#lost--;
    }
    if (this.#seen.size > 2 * WINDOW) this.#trim();
    return true;
  }

  /** `seq` as an extended number near the highest one (wraps undone); far behind it: a new start. */
  #extend(seq: number): number {
    if (this.#modulus === Infinity || this.#highest === -Infinity) return seq;
    const m = this.#modulus;
    const ahead = (((seq - this.#highest) % m) + m) % m;
    const ext = ahead < m / 2 ? this.#highest + ahead : this.#highest - (m - ahead);
    if (ext >= this.#highest - WINDOW) return ext;
    // The sender started over (a new RTP session, a restarted encoder): count on from here.
    this.reset();
    return seq;
  }

  #trim(): void {
    const floor = this.#highest - WINDOW;
    for (const s of this.#seen) if (s < floor) this.#seen.delete(s);
    for (const s of this.#missing) if (s < floor) this.#missing.delete(s);
  }

  /** The counts since the last take. */
  take(): SequenceCounts {
    const out = { lost: this.#lost, duplicates: this.#dups, reordered: this.#reordered };
    this.#lost = this.#dups = this.#reordered = 0;
    return out;
  }
}
