// Spanning-tree identifiers as BRIDGE-MIB and IEEE8021-MSTP-MIB carry them: bridge ids and port ids.
import type { BridgeId } from '../facts.ts';
import { macFromBytes } from '../inet.ts';
import { toInt } from '../poller/values.ts';

/** 8 octets: priority (2) + MAC (6); some agents hand the octets over as 16 hex digits. */
export function parseBridgeId(value: unknown): BridgeId | undefined {
  const bytes =
    typeof value === 'string' && /^[0-9a-f]{16}$/i.test(value.trim())
      ? Buffer.from(value.trim(), 'hex')
      : Buffer.isBuffer(value)
        ? value
        : undefined;
  if (bytes?.length !== 8) return undefined;
  const mac = macFromBytes(bytes.subarray(2));
  return mac === '00:00:00:00:00:00' ? undefined : { priority: bytes.readUInt16BE(0), mac };
}

/**
 * Port id: 2 octets, priority in the top bits. 802.1t gives the port number 12 bits (802.1D-1998 gave it
 * 8 and the priority 8, which reads the same whenever the priority byte is a multiple of 16, as usual).
 */
export function parsePortId(value: unknown): number | undefined {
  const n = toInt(value);
  return n === undefined || n < 0 || n > 0xffff ? undefined : n & 0x0fff || undefined;
}
