// Rows of BRIDGE-MIB / Q-BRIDGE-MIB tables: bridge port → ifIndex, FdbId → VLAN, forwarding table entries.
import type { FdbEntry } from '../facts.ts';
import { macFromBytes } from '../inet.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows } from '../poller/walker.ts';

export function parsePortIfIndex(rows: Rows): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [index, row] of rows) {
    const ifIndex = toInt(row.ifIndex);
    if (ifIndex !== undefined && ifIndex > 0) out[index] = ifIndex;
  }
  return out;
}

/** dot1qVlanCurrentTable index TimeMark.VlanIndex, value FdbId: inverted to FdbId → VLAN. */
export function parseVlanFdbIds(rows: Rows): Map<number, number> {
  const out = new Map<number, number>();
  for (const [index, row] of rows) {
    const fdbId = toInt(row.fdbId);
    const vlan = parseOid(index).pop();
    if (fdbId !== undefined && vlan !== undefined) out.set(fdbId, vlan);
  }
  return out;
}

/** MAC from index sub-ids; some agents prepend a length sub-id 6 (arubaos-cx, comtrol). */
function macFromIndex(ids: number[]): string | undefined {
  const octets = ids.length === 7 && ids[0] === 6 ? ids.slice(1) : ids;
  return octets.length === 6 && octets.every((x) => x <= 255) ? macFromBytes(octets) : undefined;
}

export function parseQBridgeFdb(rows: Rows, fdbIdToVlan: Map<number, number>): FdbEntry[] {
  const out: FdbEntry[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    const mac = macFromIndex(ids.slice(1));
    if (!mac) continue;
    out.push(fdbEntry(mac, row, fdbIdToVlan.get(ids[0]!) ?? ids[0]!));
  }
  return out;
}

export function parseDot1dFdb(rows: Rows): FdbEntry[] {
  const out: FdbEntry[] = [];
  for (const [index, row] of rows) {
    const mac = macFromIndex(parseOid(index));
    if (mac) out.push(fdbEntry(mac, row, undefined));
  }
  return out;
}

function fdbEntry(mac: string, row: Record<string, unknown>, vlan: number | undefined): FdbEntry {
  const e: FdbEntry = { mac };
  if (vlan !== undefined) e.vlan = vlan;
  const port = toInt(row.port);
  if (port !== undefined) e.port = port;
  const status = toInt(row.status);
  if (status !== undefined) e.status = status;
  return e;
}
