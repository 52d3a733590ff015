// IEEE8021-MSTP-MIB: the multiple spanning tree instances (MSTIs) of an MSTP bridge, each with its root, its
// ports' states and designated bridge/port, and the VLANs mapped to it. Port numbers are IEEE 802.1Q bridge
// port numbers, which bridges number as dot1dBasePort: mapped to ifIndex through dot1dBasePortIfIndex.
// The CIST (instance 0) is the BRIDGE-MIB default instance and is not repeated here.
import type { StpInstance, StpPort, StpState } from '../facts.ts';
import { MSTP_INSTANCE, MSTP_PORT, MSTP_VLAN } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';
import { parseBridgeId } from './bridge-id.ts';

/** ieee8021MstpPortState numbering (not BRIDGE-MIB's). */
const STATES: StpState[] = ['disabled', 'listening', 'learning', 'forwarding', 'blocking'];

export async function collectMstp(w: Walker, portIfIndex: Record<string, number>): Promise<StpInstance[]> {
  const ports = await w.walk('ieee8021MstpPortTable', MSTP_PORT);
  if (ports.size === 0) return [];
  return parseMstp(
    await w.walk('ieee8021MstpTable', MSTP_INSTANCE),
    ports,
    await w.walk('ieee8021MstpVlanTable', MSTP_VLAN),
    portIfIndex,
  );
}

/** Instances index ComponentId.MstId; ports ComponentId.MstId.PortNum; VLANs ComponentId.VlanId → MstId. */
export function parseMstp(
  instances: Rows,
  ports: Rows,
  vlans: Rows,
  portIfIndex: Record<string, number>,
): StpInstance[] {
  const byId = new Map<number, StpInstance>();
  const instance = (id: number): StpInstance => {
    let i = byId.get(id);
    if (!i) byId.set(id, (i = { kind: 'mst', id, vlans: [], ports: [] }));
    return i;
  };
  for (const [index, row] of instances) {
    const [, id] = parseOid(index);
    const root = parseBridgeId(row.designatedRoot);
    if (id !== undefined && id > 0 && root) instance(id).designatedRoot = root;
  }
  for (const [index, row] of ports) {
    const [, id, port] = parseOid(index);
    if (id === undefined || id <= 0 || port === undefined || port <= 0) continue;
    const p: StpPort = { port };
    const ifIndex = portIfIndex[String(port)];
    if (ifIndex !== undefined) p.ifIndex = ifIndex;
    const state = STATES[(toInt(row.state) ?? 0) - 1];
    if (state) p.state = state;
    const bridge = parseBridgeId(row.designatedBridge);
    if (bridge) p.designatedBridge = bridge;
    const designatedPort = toInt(row.designatedPort);
    if (designatedPort !== undefined && designatedPort > 0) p.designatedPort = designatedPort;
    instance(id).ports.push(p);
  }
  for (const [index, row] of vlans) {
    const vlan = parseOid(index)[1];
    const id = toInt(row.mstId);
    if (vlan !== undefined && id !== undefined && byId.has(id)) byId.get(id)!.vlans.push(vlan);
  }
  return [...byId.values()]
    .sort((a, b) => a.id - b.id)
    .map((i) => ({ ...i, vlans: i.vlans.sort((a, b) => a - b) }));
}
