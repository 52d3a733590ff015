// Discovery results: snapshots, topology by layer, device details, search, diff, run reports.
import { Type } from 'typebox';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, Nullable, errors } from '../http/schemas.ts';
import { ApiError, badRequest } from '../http/errors.ts';
import type { DeviceFacts } from '../discovery/facts.ts';
import { findSnapshot } from '../snapshots/store.ts';
import { layerGraph } from '../snapshots/graph.ts';
import { deviceDetails } from '../snapshots/device-details.ts';
import { searchTopology } from '../snapshots/search.ts';
import { diffTopologies } from '../snapshots/diff.ts';

const SnapshotRef = {
  snapshot: Type.Optional(Type.String({ maxLength: 64, description: 'snapshot id (default: the newest)' })),
  at: Type.Optional(
    Type.String({ format: 'date-time', description: 'the newest snapshot taken at or before this time' }),
  ),
};
const SnapshotMeta = Type.Object({
  id: Type.String(),
  runId: Nullable(Type.String()),
  takenAt: Type.String(),
  summary: Type.Unknown(),
});
const Layer = Type.Union([Type.Literal('l2'), Type.Literal('l3'), Type.Literal('multicast')]);
const GraphSchema = Type.Object({
  snapshot: SnapshotMeta,
  layer: Layer,
  nodes: Type.Array(
    Type.Object({
      id: Type.String(),
      label: Type.String(),
      role: Type.String({ description: 'router, switch, host, unmanaged or segment' }),
      managed: Type.Boolean(),
      addresses: Type.Array(Type.String()),
      vendor: Type.Optional(Type.String()),
      listeners: Type.Optional(Type.Integer()),
    }),
  ),
  edges: Type.Array(
    Type.Object({
      id: Type.String(),
      source: Type.String(),
      target: Type.String(),
      sourcePort: Type.Optional(Type.String()),
      targetPort: Type.Optional(Type.String()),
      evidence: Type.Array(Type.String()),
      confirmed: Type.Boolean(),
      group: Type.Optional(Type.String()),
      groupSource: Type.Optional(Type.String()),
      subnet: Type.Optional(Type.String()),
      members: Type.Optional(
        Type.Array(
          Type.Object({ sourcePort: Type.Optional(Type.String()), targetPort: Type.Optional(Type.String()) }),
          {
            description:
              'L2 link aggregation (LAG / port-channel / bond): the physical member links, by port names',
          },
        ),
      ),
      sourceStp: Type.Optional(Type.String({ description: 'L2: dot1dStpPortState of the source port' })),
      targetStp: Type.Optional(Type.String({ description: 'L2: dot1dStpPortState of the target port' })),
      blocked: Type.Optional(Type.Boolean({ description: 'L2: spanning tree blocks one end of the link' })),
      blockedVlans: Type.Optional(
        Type.Array(Type.Integer(), {
          description: 'L2: VLANs in which a per-VLAN (PVST+) or MST spanning tree blocks one end',
        }),
      ),
      vlans: Type.Optional(
        Type.Array(Type.Integer(), { description: 'L2: VLANs both ends carry, when both are known' }),
      ),
      issues: Type.Optional(
        Type.Array(Type.String(), {
          description: 'What does not add up: native VLAN mismatch, a VLAN only one end carries',
        }),
      ),
      via: Type.Optional(
        Type.Array(Type.String(), {
          description: 'Neighbour tables other than LLDP-MIB / CISCO-CDP-MIB that found the link',
        }),
      ),
    }),
  ),
});

const meta = (s: { id: string; runId: string | null; takenAt: Date; summary: unknown }) => ({
  id: s.id,
  runId: s.runId,
  takenAt: s.takenAt.toISOString(),
  summary: s.summary,
});

const ref = (q: { snapshot?: string; at?: string }) => ({
  ...(q.snapshot && { id: q.snapshot }),
  ...(q.at && { at: new Date(q.at) }),
});

export function discoveryRoutes(app: App, ctx: AppContext) {
  const viewer = { minRole: 'viewer' as const };
  app.get('/api/snapshots', {
    config: viewer,
    schema: {
      tags: ['discovery'],
      summary: 'Discovery snapshots, newest first, with their summaries',
      querystring: Type.Object(
        { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })) },
        { additionalProperties: false },
      ),
      response: { 200: Type.Array(SnapshotMeta), ...errors(400, 401) },
    },
    handler: async (req) =>
      (
        await ctx.db.prisma.snapshot.findMany({
          select: { id: true, runId: true, takenAt: true, summary: true },
          orderBy: { takenAt: 'desc' },
          take: req.query.limit ?? 50,
        })
      ).map(meta),
  });
  app.get('/api/snapshots/:id/report', {
    config: viewer,
    schema: {
      tags: ['discovery'],
      summary: 'The run report: every target with its outcome, unreachable targets and why',
      params: IdParams,
      response: {
        200: Type.Object({
          snapshot: SnapshotMeta,
          unreachable: Type.Array(Type.Object({ target: Type.String(), reason: Type.String() })),
          targets: Type.Array(Type.Unknown()),
        }),
        ...errors(401, 404),
      },
    },
    handler: async (req) => {
      const s = await findSnapshot(ctx.db, { id: req.params.id });
      return { snapshot: meta(s), unreachable: s.topology.unreachable, targets: s.topology.report };
    },
  });
  app.get('/api/topology', {
    config: viewer,
    schema: {
      tags: ['discovery'],
      summary: 'Nodes and edges of one layer at a snapshot or time',
      querystring: Type.Object(
        {
          layer: Layer,
          ...SnapshotRef,
          group: Type.Optional(
            Type.String({ maxLength: 64, description: 'multicast layer: only this group' }),
          ),
        },
        { additionalProperties: false },
      ),
      response: { 200: GraphSchema, ...errors(400, 401, 404) },
    },
    handler: async (req) => {
      const s = await findSnapshot(ctx.db, ref(req.query));
      return {
        snapshot: meta(s),
        ...layerGraph(s.topology, req.query.layer, { ...(req.query.group && { group: req.query.group }) }),
      };
    },
  });
  app.get('/api/devices/:device', {
    config: viewer,
    schema: {
      tags: ['discovery'],
      summary:
        'One device: interfaces, addresses, LLDP/CDP neighbours, FDB, IPv6 neighbours, routes, VLANs, spanning trees, multicast groups, routes and snooping state',
      params: Type.Object(
        { device: Type.String({ minLength: 1, maxLength: 255 }) },
        { additionalProperties: false },
      ),
      querystring: Type.Object(
        {
          ...SnapshotRef,
          fdbLimit: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 1000 })),
        },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({ snapshot: SnapshotMeta, device: Type.Unknown() }),
        ...errors(400, 401, 404),
      },
    },
    handler: async (req) => {
      const s = await findSnapshot(ctx.db, ref(req.query));
      const row = await ctx.db.prisma.snapshotDevice.findUnique({
        where: { snapshotId_deviceId: { snapshotId: s.id, deviceId: req.params.device } },
      });
      const details =
        row &&
        deviceDetails(s.topology, row.deviceId, row.facts as unknown as DeviceFacts[], {
          fdbLimit: req.query.fdbLimit ?? 1000,
        });
      if (!details)
        throw new ApiError(404, 'not_found', `no device ${req.params.device} in snapshot ${s.id}`);
      return { snapshot: meta(s), device: details };
    },
  });
  app.get('/api/search', {
    config: viewer,
    schema: {
      tags: ['discovery'],
      summary: 'Find a device or host by name, address or MAC (where is this host attached)',
      querystring: Type.Object(
        { q: Type.String({ minLength: 1, maxLength: 255 }), ...SnapshotRef },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({ snapshot: SnapshotMeta, hits: Type.Array(Type.Unknown()) }),
        ...errors(400, 401, 404),
      },
    },
    handler: async (req) => {
      const s = await findSnapshot(ctx.db, ref(req.query));
      return { snapshot: meta(s), hits: searchTopology(s.topology, req.query.q) };
    },
  });
  app.get('/api/snapshots/diff', {
    config: viewer,
    schema: {
      tags: ['discovery'],
      summary: 'Devices and links added, removed or changed between two snapshots',
      querystring: Type.Object(
        { from: Type.String({ maxLength: 64 }), to: Type.String({ maxLength: 64 }) },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({
          from: SnapshotMeta,
          to: SnapshotMeta,
          devices: Type.Unknown(),
          links: Type.Unknown(),
        }),
        ...errors(400, 401, 404),
      },
    },
    handler: async (req) => {
      if (req.query.from === req.query.to) throw badRequest('to', 'must differ from "from"');
      const [a, b] = await Promise.all([
        findSnapshot(ctx.db, { id: req.query.from }),
        findSnapshot(ctx.db, { id: req.query.to }),
      ]);
      return { from: meta(a), to: meta(b), ...diffTopologies(a.topology, b.topology) };
    },
  });
}
