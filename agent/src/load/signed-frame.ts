// Signed UDP/IPv6 multicast frames for load: built once with the packet model (compile), patched per
// frame with sequence and send time; and the fixed-offset reader for the receive side.
import {
  builtinLibrary,
  compile,
  LOAD_SIGNATURE_BYTES as SIGNATURE_BYTES,
  LOAD_SIGNATURE_OFFSET as SIGNATURE_OFFSET,
  loadFrameMessage,
  SIGNATURE_MAGIC,
  type CompiledMessage,
  type LoadFrameSpec,
} from '@netspotter/shared';

export { SIGNATURE_OFFSET };
const UDP_PROTO = 17;

/** The signature's fields in an untagged frame: magic, stream id, u64 seq, u32 s + u32 ns send time. */
export const SIGNATURE_LAYOUT = {
  magicOffset: SIGNATURE_OFFSET,
  magic: SIGNATURE_MAGIC,
  streamOffset: SIGNATURE_OFFSET + 4,
  seqOffset: SIGNATURE_OFFSET + 8,
  tsOffset: SIGNATURE_OFFSET + 16,
} as const;

export function compileSignedFrame(spec: LoadFrameSpec): CompiledMessage {
  return compile(builtinLibrary(), loadFrameMessage(spec));
}

export interface Signature {
  streamId: number;
  seq: number;
  txMs: number;
}

/** Reads the signature of an untagged IPv6/UDP frame, or undefined when it is not one of ours. */
export function readSignature(b: Uint8Array): Signature | undefined {
  if (
    b.length < SIGNATURE_OFFSET + SIGNATURE_BYTES ||
    b[12] !== 0x86 ||
    b[13] !== 0xdd ||
    b[20] !== UDP_PROTO
  )
    return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const at = SIGNATURE_LAYOUT;
  if (v.getUint32(at.magicOffset) !== at.magic) return undefined;
  return {
    streamId: v.getUint32(at.streamOffset),
    seq: v.getUint32(at.seqOffset) * 2 ** 32 + v.getUint32(at.seqOffset + 4),
    txMs: v.getUint32(at.tsOffset) * 1000 + v.getUint32(at.tsOffset + 4) / 1e6,
  };
}
