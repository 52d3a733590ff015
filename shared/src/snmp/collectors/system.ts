// SNMPv2-MIB system group: identity scalars. Its GET doubles as the reachability probe.
import { SYSTEM } from '../oids.ts';
import type { SystemFacts } from '../facts.ts';
import { putName } from '../poller/names.ts';
import { toInt } from '../poller/values.ts';
import type { Walker } from '../poller/walker.ts';

/** Throws the classified SnmpFailure when the agent does not answer at all. */
export async function collectSystem(w: Walker): Promise<SystemFacts> {
  const v = await w.get(Object.values(SYSTEM));
  return parseSystem(v);
}

export function parseSystem(v: Map<string, unknown>): SystemFacts {
  const facts: SystemFacts = {};
  putName(facts, 'sysDescr', v.get(SYSTEM.sysDescr), { kind: 'text', keepEmpty: true });
  const oid = v.get(SYSTEM.sysObjectID);
  if (typeof oid === 'string') facts.sysObjectID = oid;
  const up = toInt(v.get(SYSTEM.sysUpTime));
  if (up !== undefined) facts.sysUpTime = up;
  putName(facts, 'sysName', v.get(SYSTEM.sysName), { keepEmpty: true });
  putName(facts, 'sysLocation', v.get(SYSTEM.sysLocation), { keepEmpty: true });
  const services = toInt(v.get(SYSTEM.sysServices));
  if (services !== undefined) facts.sysServices = services;
  return facts;
}
