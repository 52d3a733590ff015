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
  const o = SIGNATURE_OFFSET;
  if (v.getUint32(o) !== SIGNATURE_MAGIC) return undefined;
  return {
    streamId: v.getUint32(o + 4),
    seq: v.getUint32(o + 8) * 2 ** 32 + v.getUint32(o + 12),
    txMs: v.getUint32(o + 16) * 1000 + v.getUint32(o + 20) / 1e6,
  };
}
