// BRIDGE-MIB dot1dStp: the designated root and, per bridge port, its state and the designated bridge and
// port of the attached segment. Bridge ports map to ifIndex through dot1dBasePortIfIndex (bridge collector).
// Bridges that run more than one tree add them: per-VLAN instances (walked with the bridge's per-VLAN
// instances) and MST instances (mstp.ts).
import type { StpFacts, StpInstance, StpPort, StpState } from '../facts.ts';
import { DOT1D_STP, DOT1D_STP_PORT } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';
import { parseBridgeId, parsePortId } from './bridge-id.ts';
import { collectMstp } from './mstp.ts';

const STATES: StpState[] = ['disabled', 'blocking', 'listening', 'learning', 'forwarding', 'broken'];

export async function collectStp(
  w: Walker,
  portIfIndex: Record<string, number>,
  vlanInstances: StpInstance[],
): Promise<StpFacts> {
  const scalars = await w.get([DOT1D_STP.designatedRoot]).catch(() => new Map<string, unknown>());
  const facts: StpFacts = {
    ports: parseStpPorts(await w.walk('dot1dStpPortTable', DOT1D_STP_PORT), portIfIndex),
  };
  const root = parseBridgeId(scalars.get(DOT1D_STP.designatedRoot));
  if (root) facts.designatedRoot = root;
  // A bridge without a default tree walks no MSTP table either.
  const instances = [...vlanInstances, ...(facts.ports.length > 0 ? await collectMstp(w, portIfIndex) : [])];
  if (instances.length > 0) facts.instances = instances;
  return facts;
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
