// Discovery results: snapshots, topology by layer, device details, search, diff, run reports.
import { Type } from 'typebox';
import {
  DeviceDetailsSchema,
  DeviceHistorySchema,
  Int32,
  LayerSchema,
  SearchHitSchema,
  SnapshotMetaSchema as SnapshotMeta,
  SnapshotSummarySchema,
  TopologyDiffSchema,
  TopologyResponseSchema,
} from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import type { Prisma } from '../db/generated/client.ts';
import { readJson } from '../db/json-column.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { DomainError, badRequest } from '../domain-errors.ts';
import {
  DeviceFactsListSchema,
  factsMentioning,
  findSnapshot,
  snapshotDeviceFacts,
} from '../snapshots/store.ts';
import { deviceHistory } from '../snapshots/history.ts';
import { layerGraph } from '../snapshots/graph.ts';
import { deviceDetails } from '../snapshots/device-details.ts';
import { searchKey, searchTopology } from '../snapshots/search.ts';
import { diffTopologies } from '../snapshots/diff.ts';
import { snapshotDerived } from '../snapshots/snapshot-cache.ts';

export const SnapshotRef = {
  snapshot: Type.Optional(Type.String({ maxLength: 64, description: 'snapshot id (default: the newest)' })),
  at: Type.Optional(
    Type.String({ format: 'date-time', description: 'the newest snapshot taken at or before this time' }),
  ),
};
export const meta = (s: { id: string; runId: string | null; takenAt: Date; summary: Prisma.JsonValue }) => ({
  id: s.id,
  runId: s.runId,
  takenAt: s.takenAt.toISOString(),
  summary: readJson(SnapshotSummarySchema, s.summary, 'snapshot.summary'),
});

export const ref = (q: { snapshot?: string; at?: string }) => ({
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
          layer: LayerSchema,
          ...SnapshotRef,
          group: Type.Optional(
            Type.String({ maxLength: 64, description: 'multicast layer: only this group' }),
          ),
        },
        { additionalProperties: false },
      ),
      response: { 200: TopologyResponseSchema, ...errors(400, 401, 404) },
    },
    handler: async (req, reply) => {
      const s = await findSnapshot(ctx.db, ref(req.query));
      const { layer, group } = req.query;
      // A snapshot never changes: its answer is serialised (by the route's own serialiser) once and sent
      // as is. A large network's layer is ~0.5 MB of JSON; serialising it per request for many
      // readers took a good share of the event loop.
      const body = await snapshotDerived(ctx.db, s.id, `layer body ${layer} ${group ?? ''}`, () =>
        Buffer.from(
          String(
            reply.serialize({
              snapshot: meta(s),
              ...layerGraph(s.topology, layer, { ...(group && { group }) }),
            }),
          ),
        ),
      );
      // Already serialised by the schema's serialiser: a Buffer is sent as it is.
      return reply.type('application/json; charset=utf-8').send(body as never);
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
        200: Type.Object({ snapshot: SnapshotMeta, device: DeviceDetailsSchema }),
        ...errors(400, 401, 404),
      },
    },
    handler: async (req) => {
      const s = await findSnapshot(ctx.db, ref(req.query));
      const facts = await snapshotDeviceFacts(ctx.db, s.id, req.params.device);
      const details =
        facts &&
        deviceDetails(s.topology, req.params.device, facts, { fdbLimit: req.query.fdbLimit ?? 1000 });
      if (!details) throw new DomainError('not_found', `no device ${req.params.device} in snapshot ${s.id}`);
      return { snapshot: meta(s), device: details };
    },
  });
  app.get('/api/devices/:device/history', {
    config: viewer,
    schema: {
      tags: ['discovery'],
      summary:
        'A device’s history over the newest snapshots: appeared, missing, ports changing state or neighbour',
      params: Type.Object(
        { device: Type.String({ minLength: 1, maxLength: 255 }) },
        { additionalProperties: false },
      ),
      querystring: Type.Object(
        {
          ifIndex: Type.Optional(
            Int32({ minimum: 0, description: 'only this port’s events (and the device’s own)' }),
          ),
          limit: Type.Optional(
            Type.Integer({ minimum: 2, maximum: 500, default: 50, description: 'snapshots compared' }),
          ),
        },
        { additionalProperties: false },
      ),
      response: { 200: DeviceHistorySchema, ...errors(400, 401) },
    },
    handler: async (req) => {
      const snaps = await ctx.db.prisma.snapshot.findMany({
        select: { id: true, takenAt: true },
        orderBy: { takenAt: 'desc' },
        take: req.query.limit ?? 50,
      });
      const rows = await ctx.db.prisma.snapshotDevice.findMany({
        where: { deviceId: req.params.device, snapshotId: { in: snaps.map((s) => s.id) } },
        select: { snapshotId: true, facts: true },
      });
      const facts = new Map(
        rows.map((r) => [r.snapshotId, readJson(DeviceFactsListSchema, r.facts, 'snapshot device facts')]),
      );
      const oldestFirst = snaps
        .reverse()
        .map((s) => ({ snapshotId: s.id, takenAt: s.takenAt, facts: facts.get(s.id) }));
      return { snapshots: snaps.length, events: deviceHistory(oldestFirst, req.query.ifIndex) };
    },
  });
  app.get('/api/search', {
    config: viewer,
    schema: {
      tags: ['discovery'],
      summary:
        'Find a device (name, address, chassis MAC), a port (name, description), or where a MAC or address lives (its edge port, with ARP/ND)',
      querystring: Type.Object(
        { q: Type.String({ minLength: 1, maxLength: 255 }), ...SnapshotRef },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({ snapshot: SnapshotMeta, hits: Type.Array(SearchHitSchema) }),
        ...errors(400, 401, 404),
      },
    },
    handler: async (req) => {
      const s = await findSnapshot(ctx.db, ref(req.query));
      const { mac, ip } = searchKey(req.query.q);
      // A MAC or address is looked up in the FDB and ARP/ND tables of the devices that mention it; an
      // address first gives the MACs it resolves to.
      let facts = mac || ip ? await factsMentioning(ctx.db, s.id, (mac ?? ip)!) : [];
      if (ip) {
        const macs = [
          ...new Set(
            facts
              .flat()
              .flatMap((f) =>
                f.neighbors
                  .filter((n) => n.mac && n.address.split('%')[0]!.toLowerCase() === ip)
                  .map((n) => n.mac!),
              ),
          ),
        ].slice(0, 4);
        for (const m of macs) facts = [...facts, ...(await factsMentioning(ctx.db, s.id, m))];
      }
      return {
        snapshot: meta(s),
        hits: searchTopology(s.topology, req.query.q, { facts, seenAt: s.takenAt.toISOString() }),
      };
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
        200: Type.Intersect([Type.Object({ from: SnapshotMeta, to: SnapshotMeta }), TopologyDiffSchema]),
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
