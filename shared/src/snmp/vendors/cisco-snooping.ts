// Cisco Catalyst snooping state from CISCO-IGMP-SNOOPING-MIB: per VLAN whether snooping is on, the querier
// (its address; state querier(3) when it is this switch), the mrouter ports, and per group the ports that
// joined. The group table carries IPv6 groups too (InetAddressType ipv6), so MLD snooping shows up here.
import { setBits } from '../collectors/port-list.ts';
import type { ListenerFacts, SnoopingVlan } from '../facts.ts';
import { decodeInetIndex, decodeInetValue } from '../inet.ts';
import { CIS_GROUP_PORTS, CIS_MROUTER, CIS_QUERIER, CIS_VLAN_CONFIG, CISCO_SNOOPING } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows } from '../poller/walker.ts';
import type { SnoopingContext, SnoopingResult } from './quirks.ts';
import type { Walker } from '../poller/walker.ts';

const TRUE = 1;
const QUERIER = 3;
const PORTS_PER_RANGE = 2048;

export async function ciscoSnooping(w: Walker, ctx: SnoopingContext): Promise<SnoopingResult | undefined> {
  const config = await w.walk('cisVlanConfigTable', CIS_VLAN_CONFIG);
  if (config.size === 0) return undefined;
  const global = await w.get([CISCO_SNOOPING.enabled]).catch(() => new Map<string, unknown>());
  return parseCiscoSnooping(
    toInt(global.get(CISCO_SNOOPING.enabled)) !== 2,
    config,
    await w.walk('cisIgmpQuerierTable', CIS_QUERIER),
    await w.walk('cisMcastRouterConfigTable', CIS_MROUTER),
    await w.walk('cisMulticastGroupPortListTable', CIS_GROUP_PORTS),
    ctx.portIfIndex,
  );
}

const isUnspecified = (a: string): boolean => a === '0.0.0.0' || a === '::';

export function parseCiscoSnooping(
  globallyOn: boolean,
  config: Rows,
  queriers: Rows,
  routers: Rows,
  groups: Rows,
  portIfIndex: Record<string, number>,
): SnoopingResult {
  const vlans = new Map<number, SnoopingVlan>();
  for (const [index, row] of config) {
    const vlan = Number(index);
    vlans.set(vlan, { vlan, enabled: globallyOn && toInt(row.enabled) === TRUE, routerPorts: [] });
  }
  for (const [index, row] of queriers) {
    const v = vlans.get(Number(index));
    if (!v) continue;
    const address = Buffer.isBuffer(row.address)
      ? decodeInetValue(toInt(row.addressType), row.address)
      : undefined;
    if (address && !isUnspecified(address)) v.querier = address;
    if (toInt(row.state) === QUERIER) v.selfQuerier = true;
  }
  for (const index of routers.keys()) {
    const [vlan, ifIndex] = parseOid(index);
    const v = vlan !== undefined ? vlans.get(vlan) : undefined;
    if (v && ifIndex !== undefined && !v.routerPorts.includes(ifIndex)) v.routerPorts.push(ifIndex);
  }
  const listeners = new Map<string, ListenerFacts>();
  for (const [index, row] of groups) {
    const ids = parseOid(index);
    const [vlan] = ids;
    const group = decodeInetIndex(ids, 2);
    if (vlan === undefined || !group) continue;
    const at = 2 + group.used;
    const sourceLength = ids[at] ?? 0;
    const source =
      sourceLength > 0
        ? decodeInetValue(undefined, Buffer.from(ids.slice(at + 1, at + 1 + sourceLength)))
        : undefined;
    const range = ids[at + 1 + sourceLength] ?? 1;
    for (const port of setBits(row.ports, (range - 1) * PORTS_PER_RANGE + 1)) {
      const ifIndex = portIfIndex[String(port)];
      if (ifIndex === undefined) continue;
      const key = `${group.address}|${ifIndex}|${vlan}`;
      const l = listeners.get(key) ?? { group: group.address, ifIndex, mib: 'snooping', vlan };
      if (source && !isUnspecified(source)) l.sources = [...new Set([...(l.sources ?? []), source])];
      listeners.set(key, l);
    }
  }
  return {
    snooping: {
      mib: 'CISCO-IGMP-SNOOPING-MIB',
      vlans: [...vlans.values()].map((v) => ({ ...v, routerPorts: v.routerPorts.sort((a, b) => a - b) })),
    },
    listeners: [...listeners.values()],
  };
}
