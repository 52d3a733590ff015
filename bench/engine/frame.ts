// The benchmark frame: 70 bytes without FCS (IPv6/UDP cannot be shorter than 62), Ethernet + IPv6 + UDP
// 5001 -> 5000 to ff3e::1234 with an 8-byte payload holding seq (u32) and stream id (u32).
import { udp6Frame } from '@netspotter/native';

export const SEQ_OFFSET = 62;
export const STREAM_OFFSET = 66;

export function benchFrame() {
  return udp6Frame({
    srcMac: '02:00:00:00:00:0a',
    src: '2001:db8:6::a',
    dst: 'ff3e::1234',
    srcPort: 5001,
    dstPort: 5000,
    payload: Buffer.alloc(8),
  });
}
