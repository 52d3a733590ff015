// Field definitions several built-in templates share.
import type { FieldDef } from '../schema.ts';

/** A 16-bit Internet checksum over the whole message, with the pseudo-header of these IP families. */
export function checksumField(pseudo?: { protocol: number; families?: Array<4 | 6> }): FieldDef {
  return {
    name: 'checksum',
    type: 'uint',
    bits: 16,
    computed: { kind: 'inet-checksum', of: 'message', ...(pseudo ? { pseudoHeader: pseudo } : {}) },
  };
}
