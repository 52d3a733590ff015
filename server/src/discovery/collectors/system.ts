// SNMPv2-MIB system group: identity scalars. Its GET doubles as the reachability probe.
import { SYSTEM } from '../oids.ts';
import type { SystemFacts } from '../facts.ts';
import { toInt, toText } from '../poller/values.ts';
import type { Walker } from '../poller/walker.ts';

/** Throws the classified SnmpFailure when the agent does not answer at all. */
export async function collectSystem(w: Walker): Promise<SystemFacts> {
  const v = await w.get(Object.values(SYSTEM));
  return parseSystem(v);
}

export function parseSystem(v: Map<string, unknown>): SystemFacts {
  const facts: SystemFacts = {};
  const text = (oid: string): string | undefined => {
    const t = toText(v.get(oid));
    return t === undefined ? undefined : t.trim();
  };
  const sysDescr = text(SYSTEM.sysDescr);
  if (sysDescr !== undefined) facts.sysDescr = sysDescr;
  const oid = v.get(SYSTEM.sysObjectID);
  if (typeof oid === 'string') facts.sysObjectID = oid;
  const up = toInt(v.get(SYSTEM.sysUpTime));
  if (up !== undefined) facts.sysUpTime = up;
  const sysName = text(SYSTEM.sysName);
  if (sysName !== undefined) facts.sysName = sysName;
  const loc = text(SYSTEM.sysLocation);
  if (loc !== undefined) facts.sysLocation = loc;
  const services = toInt(v.get(SYSTEM.sysServices));
  if (services !== undefined) facts.sysServices = services;
  return facts;
}
