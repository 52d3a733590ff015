// LAG membership from the recorded stack facts: which aggregate (LAG / port-channel / bond) a port is in.
// dot3adAggPortAttachedAggID wins when it names an aggregator; otherwise the port's ifStackTable higher
// layer is taken when that layer is an aggregate interface.
import type { DeviceFacts, InterfaceFacts } from '@netspotter/shared/snmp/facts';

const IEEE8023AD_LAG = 161;
const PROP_VIRTUAL = 53;
// propVirtual also covers VLAN interfaces, Junos units and stack ports (ciscosb, ios_2960x, junos_* in the
// corpus): only an aggregate's name (Cisco IOS "Po1"/"Port-channel1" and kin) makes it one.
const AGGREGATE_NAME =
  /^(po|port-?channel|bond|ae|lag|trk|bagg|bridge-aggregation|eth-trunk|bundle-ether|be)[\s-]?\d/i;

export function isAggregate(i: InterfaceFacts | undefined): boolean {
  if (!i) return false;
  if (i.ifType === IEEE8023AD_LAG) return true;
  return i.ifType === PROP_VIRTUAL && [i.ifName, i.ifDescr].some((n) => n && AGGREGATE_NAME.test(n.trim()));
}

/** Member ifIndex → aggregate ifIndex. Empty when the device reported no stack facts. */
export function lagMembership(f: Pick<DeviceFacts, 'interfaces' | 'stack'>): Map<number, number> {
  const out = new Map<number, number>();
  const stack = f.stack;
  if (!stack) return out;
  const byIndex = new Map(f.interfaces.map((i) => [i.ifIndex, i]));
  const highers = new Map<number, number[]>();
  const lowers = new Map<number, number[]>();
  for (const [h, l] of stack.ifStack) {
    highers.set(l, [...(highers.get(l) ?? []), h]);
    lowers.set(h, [...(lowers.get(h) ?? []), l]);
  }
  const direct = (x: number): number | undefined => {
    const attached = stack.attachedAgg[String(x)];
    if (attached !== undefined) return attached;
    const aggs = (highers.get(x) ?? []).filter((h) => isAggregate(byIndex.get(h)));
    return aggs.length === 1 ? aggs[0] : undefined;
  };
  const ports = new Set([...Object.keys(stack.attachedAgg).map(Number), ...highers.keys()]);
  for (const x of ports) {
    if (isAggregate(byIndex.get(x))) continue;
    let agg = direct(x);
    if (agg === undefined) {
      // Junos: the unit (ge-0/0/2.0, whose only lower layer is this port) joins ae0.0; LLDP runs on the port.
      const viaUnits = new Set(
        (highers.get(x) ?? [])
          .filter((u) => lowers.get(u)?.length === 1)
          .map(direct)
          .filter((a) => a !== undefined),
      );
      if (viaUnits.size === 1) agg = [...viaUnits][0];
    }
    if (agg !== undefined) out.set(x, agg);
  }
  return out;
}
