// HP ProCurve / Aruba-OS switches: MLD snooping per VLAN in HP-ICF-MLD-MIB. hpicfMldIfTable extends
// IPV6-MLD-MIB mldInterfaceTable, both indexed by the VLAN interface's ifIndex: snooping on, the querier's
// address (mldInterfaceQuerier), whether this switch is the querier (state querier(3)), the ports with a
// multicast router; hpicfMldCacheTable lists per group the ports that joined. A VLAN interface
// is named "VLAN20", or after the VLAN ("DEFAULT_VLAN"), as dot1qVlanStaticName names it.
import { setBits } from '../collectors/port-list.ts';
import type { InterfaceFacts, ListenerFacts, SnoopingVlan, VlanFacts } from '../facts.ts';
import { ipv6FromBytes } from '../inet.ts';
import { HP_MLD_CACHE, HP_MLD_IF, MLD_INTERFACE } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows } from '../poller/walker.ts';
import type { VendorQuirks } from './quirks.ts';

const TRUE = 1;
const QUERIER = 3;

export const hp: VendorQuirks = {
  family: 'HP ProCurve / Aruba-OS',
  snooping: async (w, ctx) => {
    const ifs = await w.walk('hpicfMldIfTable', HP_MLD_IF);
    if (ifs.size === 0) return undefined;
    return parseHpSnooping(
      ifs,
      await w.walk('mldInterfaceTable', MLD_INTERFACE),
      await w.walk('hpicfMldCacheTable', HP_MLD_CACHE),
      ctx.interfaces,
      ctx.vlans,
      ctx.portIfIndex,
    );
  },
};

/** The VLAN id of a VLAN interface: "VLAN20", or the name dot1qVlanStaticName gives it. */
function vlanOf(
  ifIndex: number,
  interfaces: InterfaceFacts[],
  vlans: VlanFacts | undefined,
): number | undefined {
  const i = interfaces.find((x) => x.ifIndex === ifIndex);
  const names = [i?.ifDescr, i?.ifName].filter((n): n is string => !!n);
  for (const n of names) {
    const m = /^vlan\s*(\d+)$/i.exec(n.trim());
    if (m) return Number(m[1]);
  }
  return vlans?.vlans.find((v) => v.name && names.includes(v.name))?.id;
}

export function parseHpSnooping(
  ifs: Rows,
  mldInterfaces: Rows,
  cache: Rows,
  interfaces: InterfaceFacts[],
  vlans: VlanFacts | undefined,
  portIfIndex: Record<string, number>,
) {
  const ports = (list: unknown): number[] =>
    setBits(list, 1).flatMap((p) => (portIfIndex[String(p)] !== undefined ? [portIfIndex[String(p)]!] : []));
  const byIf = new Map<number, SnoopingVlan>();
  for (const [index, row] of ifs) {
    const vlan = vlanOf(Number(index), interfaces, vlans);
    if (vlan === undefined) continue;
    const v: SnoopingVlan = {
      vlan,
      enabled: toInt(row.snooping) === TRUE,
      routerPorts: ports(row.routerPorts),
    };
    const querier = mldInterfaces.get(index)?.querier;
    if (Buffer.isBuffer(querier) && querier.length === 16 && querier.some((b) => b !== 0))
      v.querier = ipv6FromBytes(querier);
    if (toInt(row.state) === QUERIER) v.selfQuerier = true;
    byIf.set(Number(index), v);
  }
  const listeners: ListenerFacts[] = [];
  for (const [index, row] of cache) {
    const ids = parseOid(index);
    const v = byIf.get(ids[0]!);
    if (!v || ids.length !== 17) continue;
    const group = ipv6FromBytes(ids.slice(1));
    for (const ifIndex of ports(row.ports)) listeners.push({ group, ifIndex, mib: 'snooping', vlan: v.vlan });
  }
  return { snooping: { mib: 'HP-ICF-MLD-MIB', vlans: [...byIf.values()] }, listeners };
}
