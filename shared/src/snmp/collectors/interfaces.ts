// IF-MIB ifTable + ifXTable. ifIndex comes from the row index (the ifIndex column is often not recorded).
import type { InterfaceFacts } from '../facts.ts';
import { IF_TABLE, IF_X_TABLE } from '../oids.ts';
import { putName } from '../poller/names.ts';
import { toBigInt, toInt, toMac, isNonIdentifyingMac } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';

export async function collectInterfaces(w: Walker): Promise<InterfaceFacts[]> {
  return parseInterfaces(await w.walk('ifTable', IF_TABLE), await w.walk('ifXTable', IF_X_TABLE));
}

export function parseInterfaces(ifTable: Rows, ifXTable: Rows): InterfaceFacts[] {
  const byIndex = new Map<number, InterfaceFacts>();
  const entry = (index: string): InterfaceFacts | undefined => {
    const ifIndex = Number(index);
    if (!Number.isInteger(ifIndex) || ifIndex <= 0) return undefined;
    let f = byIndex.get(ifIndex);
    if (!f) byIndex.set(ifIndex, (f = { ifIndex }));
    return f;
  };
  for (const [index, row] of ifTable) {
    const f = entry(index);
    if (!f) continue;
    putName(f, 'ifDescr', row.ifDescr, { keepEmpty: true });
    const type = toInt(row.ifType);
    if (type !== undefined) f.ifType = type;
    const mac = toMac(row.ifPhysAddress);
    if (mac && !isNonIdentifyingMac(mac)) f.mac = mac;
    const admin = toInt(row.ifAdminStatus);
    if (admin !== undefined) f.adminStatus = admin;
    const oper = toInt(row.ifOperStatus);
    if (oper !== undefined) f.operStatus = oper;
  }
  for (const [index, row] of ifXTable) {
    const f = entry(index);
    if (!f) continue;
    putName(f, 'ifName', row.ifName, { keepEmpty: true });
    putName(f, 'ifAlias', row.ifAlias);
    const speed = toInt(row.ifHighSpeed);
    if (speed !== undefined) f.highSpeed = speed;
    const hcIn = toBigInt(row.ifHCInOctets);
    if (hcIn !== undefined) f.hcInOctets = hcIn.toString();
    const hcOut = toBigInt(row.ifHCOutOctets);
    if (hcOut !== undefined) f.hcOutOctets = hcOut.toString();
  }
  return [...byIndex.values()].sort((a, b) => a.ifIndex - b.ifIndex);
}
