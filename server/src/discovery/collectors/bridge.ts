// BRIDGE-MIB / Q-BRIDGE-MIB forwarding tables and the bridge-port → ifIndex map, including Cisco's
// per-VLAN BRIDGE-MIB instances (community@vlan, v3 context vlan-N).
import type { BridgeFacts, FdbEntry, InterfaceFacts } from '../facts.ts';
import { macFromBytes } from '../inet.ts';
import {
  BRIDGE,
  DOT1D_BASE_PORT,
  DOT1D_TP_FDB,
  DOT1Q_TP_FDB,
  DOT1Q_VLAN_CURRENT,
  VTP_VLAN,
} from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { mapBounded } from '../poller/pool.ts';
import { toInt, toMac } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';

export interface BridgeContext {
  sysObjectID?: string;
  interfaces: InterfaceFacts[];
  /** Opens a walker on the per-VLAN BRIDGE-MIB instance; the caller's collector closes it. */
  openVlan: (vlan: number) => Walker;
}

export async function collectBridge(w: Walker, ctx: BridgeContext): Promise<BridgeFacts> {
  const base = await w.get([BRIDGE.baseBridgeAddress]).catch(() => new Map<string, unknown>());
  const facts: BridgeFacts = {
    portIfIndex: parsePortIfIndex(await w.walk('dot1dBasePortTable', DOT1D_BASE_PORT)),
    fdb: [],
  };
  const baseMac = toMac(base.get(BRIDGE.baseBridgeAddress));
  if (baseMac && baseMac !== '00:00:00:00:00:00') facts.baseAddress = baseMac;

  const q = await w.walk('dot1qTpFdbTable', DOT1Q_TP_FDB);
  if (q.size > 0) {
    const fdbIdToVlan = parseVlanFdbIds(await w.walk('dot1qVlanCurrentTable', DOT1Q_VLAN_CURRENT));
    facts.fdb = parseQBridgeFdb(q, fdbIdToVlan);
  } else {
    facts.fdb = parseDot1dFdb(await w.walk('dot1dTpFdbTable', DOT1D_TP_FDB));
    if (ctx.sysObjectID?.startsWith('1.3.6.1.4.1.9.')) await collectCiscoVlans(w, ctx, facts);
  }
  for (const e of facts.fdb)
    if (e.port !== undefined && e.ifIndex === undefined) {
      const ifIndex = facts.portIfIndex[e.port];
      if (ifIndex !== undefined) e.ifIndex = ifIndex;
    }
  return facts;
}

/**
 * Cisco IOS keeps one BRIDGE-MIB per VLAN; the VLAN list comes from VTP, else from SVI names. VLAN
 * instances are walked concurrently so the silent ones (no such community/context) cost one timeout.
 */
async function collectCiscoVlans(w: Walker, ctx: BridgeContext, facts: BridgeFacts): Promise<void> {
  const vlans = ciscoVlans(await w.walk('vtpVlanTable', VTP_VLAN), ctx.interfaces);
  const results = await mapBounded(vlans, 8, async (vlan) => {
    const vw = ctx.openVlan(vlan);
    try {
      const ports = parsePortIfIndex(await vw.walk(`dot1dBasePortTable@${vlan}`, DOT1D_BASE_PORT));
      if (!vw.responsive) return undefined;
      const fdb = parseDot1dFdb(await vw.walk(`dot1dTpFdbTable@${vlan}`, DOT1D_TP_FDB));
      for (const e of fdb) {
        e.vlan = vlan;
        if (e.port !== undefined && ports[e.port] !== undefined) e.ifIndex = ports[e.port]!;
      }
      w.issues.push(...vw.issues);
      return { vlan, ports, fdb };
    } finally {
      vw.close();
    }
  });
  const silent = vlans.filter((_, i) => !results[i]);
  if (silent.length > 0)
    w.issues.push({
      table: 'dot1dTpFdbTable',
      reason: `no per-VLAN BRIDGE-MIB answer for VLAN ${silent.join(',')}`,
    });
  const walked = results.filter((r) => r !== undefined);
  if (walked.length === 0) return;
  for (const r of walked) Object.assign(facts.portIfIndex, r.ports);
  const perVlan = walked.flatMap((r) => r.fdb);
  // The default instance is VLAN 1: keep it only when VLAN 1 was walked on its own.
  facts.fdb = walked.some((r) => r.vlan === 1)
    ? perVlan
    : [...facts.fdb.map((e) => ({ ...e, vlan: 1 })), ...perVlan];
}

/** Operational ethernet VLANs, skipping the reserved 1002–1005 (as Netdisco, LibreNMS and OpenNMS do). */
export function ciscoVlans(vtp: Rows, interfaces: InterfaceFacts[]): number[] {
  const out = new Set<number>();
  for (const [index, row] of vtp) {
    const vlan = parseOid(index).pop()!;
    const state = toInt(row.state);
    const type = toInt(row.type);
    if (vlan >= 1 && vlan <= 4094 && (vlan < 1002 || vlan > 1005) && (state ?? 1) === 1 && (type ?? 1) === 1)
      out.add(vlan);
  }
  if (out.size === 0) {
    for (const i of interfaces) {
      const m = /^Vl(?:an)?\s*(\d+)$/i.exec(i.ifName ?? i.ifDescr ?? '');
      const vlan = m ? Number(m[1]) : 0;
      if (vlan >= 1 && vlan <= 4094 && (vlan < 1002 || vlan > 1005)) out.add(vlan);
    }
  }
  return [...out].sort((a, b) => a - b);
}

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
