// The message a load sender puts on the wire: Ethernet to the group's MAC, IPv6 to the group, UDP, and
// the test signature padded to the frame size. The agent compiles it; the GUI previews the same bytes.
import type { Message } from './schema.ts';
import { multicastMac } from './helpers.ts';

/** Ethernet 14 + IPv6 40 + UDP 8: where the signature starts in an untagged frame. */
export const LOAD_SIGNATURE_OFFSET = 62;
/** magic, stream id, u64 sequence, u32 s + u32 ns send time. */
export const LOAD_SIGNATURE_BYTES = 24;

export interface LoadFrameSpec {
  srcMac: string;
  srcAddress: string;
  group: string;
  port: number;
  streamId: number;
  frameSize: number;
  hopLimit: number;
}

/** The address a sender puts in its frames: the interface's first global IPv6 address, else its link-local. */
export function loadSourceAddress(addresses: string[]): string | undefined {
  const v6 = addresses.filter((a) => a.includes(':'));
  return (v6.find((a) => !a.toLowerCase().startsWith('fe80')) ?? v6[0])?.split('%')[0]?.split('/')[0];
}

export function loadFrameMessage(spec: LoadFrameSpec): Message {
  const filler = Math.max(0, spec.frameSize - LOAD_SIGNATURE_OFFSET - LOAD_SIGNATURE_BYTES);
  return {
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
  };
}
