// BRIDGE-MIB dot1dStp: the designated root and, per bridge port, its state and the designated bridge and
// port of the attached segment. Bridge ports map to ifIndex through dot1dBasePortIfIndex (bridge collector).
import type { BridgeId, StpFacts, StpPort, StpState } from '../facts.ts';
import { macFromBytes } from '../inet.ts';
import { DOT1D_STP, DOT1D_STP_PORT } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';

const STATES: StpState[] = ['disabled', 'blocking', 'listening', 'learning', 'forwarding', 'broken'];

export async function collectStp(w: Walker, portIfIndex: Record<string, number>): Promise<StpFacts> {
  const scalars = await w.get([DOT1D_STP.designatedRoot]).catch(() => new Map<string, unknown>());
  const facts: StpFacts = {
    ports: parseStpPorts(await w.walk('dot1dStpPortTable', DOT1D_STP_PORT), portIfIndex),
  };
  const root = parseBridgeId(scalars.get(DOT1D_STP.designatedRoot));
  if (root) facts.designatedRoot = root;
  return facts;
}

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

export function parseStpPorts(rows: Rows, portIfIndex: Record<string, number>): StpPort[] {
  const out: StpPort[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    if (ids.length !== 1 || ids[0]! <= 0) continue;
    const p: StpPort = { port: ids[0]! };
    const ifIndex = portIfIndex[String(p.port)];
    if (ifIndex !== undefined) p.ifIndex = ifIndex;
    const state = STATES[(toInt(row.state) ?? 0) - 1];
    if (state) p.state = state;
    const bridge = parseBridgeId(row.designatedBridge);
    if (bridge) p.designatedBridge = bridge;
    const port = parsePortId(row.designatedPort);
    if (port !== undefined) p.designatedPort = port;
    out.push(p);
  }
  return out;
}
