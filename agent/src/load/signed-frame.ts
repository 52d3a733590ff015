// Signed UDP/IPv6 multicast frames for load: built once with the packet model (compile), patched per
// frame with sequence and send time; and the fixed-offset reader for the receive side.
import {
  builtinLibrary,
  compile,
  multicastMac,
  SIGNATURE_MAGIC,
  type CompiledMessage,
} from '@netspotter/shared';

const SIGNATURE_BYTES = 24;
/** Ethernet 14 + IPv6 40 + UDP 8: where the signature starts in an untagged frame. */
export const SIGNATURE_OFFSET = 62;
const UDP_PROTO = 17;

/** The signature's fields in an untagged frame: magic, stream id, u64 seq, u32 s + u32 ns send time. */
export const SIGNATURE_LAYOUT = {
  magicOffset: SIGNATURE_OFFSET,
  magic: SIGNATURE_MAGIC,
  streamOffset: SIGNATURE_OFFSET + 4,
  seqOffset: SIGNATURE_OFFSET + 8,
  tsOffset: SIGNATURE_OFFSET + 16,
} as const;

export interface SignedFrameSpec {
  srcMac: string;
  srcAddress: string;
  group: string;
  port: number;
  streamId: number;
  frameSize: number;
  hopLimit: number;
}

export function compileSignedFrame(spec: SignedFrameSpec): CompiledMessage {
  const filler = Math.max(0, spec.frameSize - SIGNATURE_OFFSET - SIGNATURE_BYTES);
  return compile(builtinLibrary(), {
    template: 'ethernet',
    values: {
      dst: multicastMac(spec.group),
      src: spec.srcMac,
      body: {
        template: 'ipv6',
        values: {
          src: spec.srcAddress,
          dst: spec.group,
          hopLimit: spec.hopLimit,
          body: {
            template: 'udp',
            values: {
              srcPort: spec.port,
              dstPort: spec.port,
              body: {
                template: 'test-signature',
                values: { streamId: spec.streamId, body: '00'.repeat(filler) },
              },
            },
          },
        },
      },
    },
  });
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
