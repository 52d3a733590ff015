// BRIDGE-MIB / Q-BRIDGE-MIB forwarding tables and the bridge-port → ifIndex map, including per-VLAN
// BRIDGE-MIB instances where the vendor keeps them (vlan-instances.ts). Every FDB row is then mapped to an
// interface or counted as dropped with its reason (fdb-ports.ts).
import type { BridgeFacts, InterfaceFacts, StpInstance, VlanFacts } from '../facts.ts';
import { BRIDGE, DOT1D_BASE_PORT, DOT1D_TP_FDB, DOT1Q_TP_FDB, DOT1Q_VLAN_CURRENT } from '../oids.ts';
import { toMac } from '../poller/values.ts';
import type { Walker } from '../poller/walker.ts';
import type { VendorQuirks } from '../vendors/quirks.ts';
import { parseDot1dFdb, parsePortIfIndex, parseQBridgeFdb, parseVlanFdbIds } from './bridge-rows.ts';
import { resolveFdbPorts } from './fdb-ports.ts';
import { walkVlanInstances } from './vlan-instances.ts';

export interface BridgeContext {
  interfaces: InterfaceFacts[];
  quirks: VendorQuirks;
  vlans?: VlanFacts;
  /** Opens a walker on the per-VLAN BRIDGE-MIB instance; the caller's collector closes it. */
  openVlan: (vlan: number) => Walker;
  /** Most per-VLAN instances walked on one device. */
  vlanBudget: number;
}

/** Bridge port → ifIndex: the vendor's own table when it has one, else dot1dBasePortIfIndex. */
export async function collectBridgePorts(w: Walker, quirks: VendorQuirks): Promise<Record<string, number>> {
  const own = quirks.bridgePorts ? await quirks.bridgePorts(w) : {};
  if (Object.keys(own).length > 0) return own;
  return parsePortIfIndex(await w.walk('dot1dBasePortTable', DOT1D_BASE_PORT));
}

/** The bridge facts, and the spanning trees of per-VLAN instances walked on the way. */
export async function collectBridge(
  w: Walker,
  portIfIndex: Record<string, number>,
  ctx: BridgeContext,
): Promise<{ bridge: BridgeFacts; vlanStp: StpInstance[] }> {
  const base = await w.get([BRIDGE.baseBridgeAddress]).catch(() => new Map<string, unknown>());
  const facts: BridgeFacts = { portIfIndex: { ...portIfIndex }, fdb: [] };
  const baseMac = toMac(base.get(BRIDGE.baseBridgeAddress));
  if (baseMac && baseMac !== '00:00:00:00:00:00') facts.baseAddress = baseMac;

  let vlanStp: StpInstance[] = [];
  const q = await w.walk('dot1qTpFdbTable', DOT1Q_TP_FDB);
  if (q.size > 0) {
    const fdbIdToVlan = parseVlanFdbIds(await w.walk('dot1qVlanCurrentTable', DOT1Q_VLAN_CURRENT));
    facts.fdb = parseQBridgeFdb(q, fdbIdToVlan);
  } else {
    facts.fdb = parseDot1dFdb(await w.walk('dot1dTpFdbTable', DOT1D_TP_FDB));
    const vlans = ctx.quirks.perVlanBridge?.(ctx.vlans, ctx.interfaces) ?? [];
    if (vlans.length > 0) {
      const walked = await walkVlanInstances(w, vlans, ctx.openVlan, ctx.vlanBudget);
      if (walked.length > 0) {
        for (const r of walked) Object.assign(facts.portIfIndex, r.ports);
        const perVlan = walked.flatMap((r) => r.fdb);
        // The default instance is VLAN 1: keep it only when VLAN 1 was not walked on its own.
        facts.fdb = walked.some((r) => r.vlan === 1)
          ? perVlan
          : [...facts.fdb.map((e) => ({ ...e, vlan: 1 })), ...perVlan];
        vlanStp = walked.map((r) => r.stp);
      }
    }
  }
  const ifIndexes = new Set(ctx.interfaces.map((i) => i.ifIndex));
  facts.fdbPorts = resolveFdbPorts(facts.fdb, facts.portIfIndex, ifIndexes, ctx.quirks.fdbPorts);
  return { bridge: facts, vlanStp };
}
