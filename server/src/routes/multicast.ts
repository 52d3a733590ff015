// The multicast layer: the groups known from every source (and why the layer may be empty), one group's
// trees with expected vs actual, the expected path to a receiver, and where the test agents sit.
import { Type } from 'typebox';
import {
  AgentPlacementsResponseSchema,
  ExpectedPathSchema,
  Int32,
  MulticastGroupsResponseSchema,
  MulticastTreeResponseSchema,
  type Flow,
} from '@netspotter/shared/api';
import { canonicalIp } from '@netspotter/shared';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../http/schemas.ts';
import { DomainError, badRequest } from '../domain-errors.ts';
import { findSnapshot } from '../snapshots/store.ts';
import { snapshotDerived } from '../snapshots/snapshot-cache.ts';
import { groupEntries } from '../multicast/groups.ts';
import { layerStatus } from '../multicast/layer-status.ts';
import { groupTrees } from '../multicast/tree.ts';
import { compareTrees } from '../multicast/tree-diff.ts';
import { expectedPath } from '../multicast/expected-path.ts';
import { flowSourceAt, monitorFlows, placeAgents, receiversNow, testFlows } from '../multicast/reads.ts';
import { SnapshotRef, meta, ref } from './discovery.ts';

const Address = (description: string) => Type.String({ minLength: 2, maxLength: 64, description });
const FlowQuery = {
  group: Address('the group, e.g. ff3e::1234'),
  source: Type.Optional(Address('the source of an (S,G); absent: any source')),
};

/** The flow a query names, canonical; a group that is no multicast address is the caller's mistake. */
function flowOf(q: { group: string; source?: string }): Flow {
  const group = canonicalIp(q.group);
  const v4 = group && !group.includes(':') ? Number(group.split('.')[0]) : undefined;
  if (!group || (group.includes(':') ? !group.startsWith('ff') : v4! < 224 || v4! > 239))
    throw badRequest('group', `${q.group} is not a multicast group address`);
  if (q.source === undefined) return { group };
  const source = canonicalIp(q.source);
  if (!source) throw badRequest('source', `${q.source} is not an address`);
  return { group, source };
}

export function multicastRoutes(app: App, ctx: AppContext) {
  const viewer = { minRole: 'viewer' as const };
  const { db, monitors: hub } = ctx;

  app.get('/api/multicast/groups', {
    config: viewer,
    schema: {
      tags: ['multicast'],
      summary:
        'Groups known from MLD/IGMP listeners, multicast routes, monitors and tests, with counts per source; and what each device answered for the multicast MIBs (why the layer may be empty)',
      querystring: Type.Object(SnapshotRef, { additionalProperties: false }),
      response: { 200: MulticastGroupsResponseSchema, ...errors(400, 401, 404) },
    },
    handler: async (req) => {
      // Without a snapshot, monitors and tests still name groups; a named snapshot must exist.
      const s = await findSnapshot(db, ref(req.query)).catch((e: unknown) => {
        if (e instanceof DomainError && e.code === 'not_found' && !req.query.snapshot) return undefined;
        throw e;
      });
      const groups = groupEntries(s?.topology.multicast, monitorFlows(hub), await testFlows(db));
      const layer = s
        ? layerStatus(s.topology, groups.length)
        : { devices: [], empty: 'no discovery snapshot yet: run a discovery of the routers and switches' };
      return { snapshot: s ? meta(s) : null, groups, layer };
    },
  });

  app.get('/api/multicast/tree', {
    config: viewer,
    schema: {
      tags: ['multicast'],
      summary:
        'A group’s distribution trees (routers with RPF interface, (S,G)/(*,G) state and counters, snooping switches, listener ports), the monitored receivers getting beacons, and where expected and actual trees differ',
      querystring: Type.Object({ ...FlowQuery, ...SnapshotRef }, { additionalProperties: false }),
      response: { 200: MulticastTreeResponseSchema, ...errors(400, 401, 404) },
    },
    handler: async (req) => {
      const flow = flowOf(req.query);
      const s = await findSnapshot(db, ref(req.query));
      const trees = await snapshotDerived(
        db,
        s.id,
        `multicast tree ${flow.source ?? '*'} ${flow.group}`,
        () => groupTrees(s.topology, flow, s.takenAt.toISOString()),
      );
      const now = await receiversNow(db, hub, s.id, s.topology, flow);
      const compared = compareTrees(s.topology, flow, now.receivers, now.sourceAt);
      return { snapshot: meta(s), flow, trees, ...compared };
    },
  });

  app.get('/api/multicast/path', {
    config: viewer,
    schema: {
      tags: ['multicast'],
      summary:
        'The expected path of a flow from its source to a receiver’s device (and port): each hop’s device, kind, in-interface (RPF) and out-interfaces; a source no polled device holds starts where its sender agent is placed (FDB, ARP/ND, LLDP)',
      querystring: Type.Object(
        {
          ...FlowQuery,
          device: Type.String({ minLength: 1, maxLength: 255, description: 'the receiver’s device' }),
          ifIndex: Type.Optional(Int32({ minimum: 0, description: 'the receiver’s port on it' })),
          ...SnapshotRef,
        },
        { additionalProperties: false },
      ),
      response: { 200: ExpectedPathSchema, ...errors(400, 401, 404) },
    },
    handler: async (req) => {
      const flow = flowOf(req.query);
      const s = await findSnapshot(db, ref(req.query));
      if (!s.topology.devices.some((d) => d.id === req.query.device))
        throw badRequest('device', `no device ${req.query.device} in snapshot ${s.id}`);
      const { device, ifIndex } = req.query;
      // A source no polled device holds (a monitor's sender agent) is where the evidence places it.
      const sourceAt = await flowSourceAt(db, hub, s.id, s.topology, flow);
      return expectedPath(
        s.topology,
        flow,
        { device, ...(ifIndex !== undefined && { ifIndex }) },
        sourceAt ? { sourceAt } : {},
      );
    },
  });

  app.get('/api/multicast/agents', {
    config: viewer,
    schema: {
      tags: ['multicast'],
      summary:
        'Where each test agent sits on a snapshot: the device holding its address, the port an LLDP neighbour or the FDB (via ARP/ND) places it on',
      querystring: Type.Object(SnapshotRef, { additionalProperties: false }),
      response: { 200: AgentPlacementsResponseSchema, ...errors(400, 401, 404) },
    },
    handler: async (req) => {
      const s = await findSnapshot(db, ref(req.query));
      return { snapshot: meta(s), agents: await placeAgents(db, s.id, s.topology, undefined) };
    },
  });
}
