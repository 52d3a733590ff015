// Continuous monitors: definitions (operators change them), their live matrix, one cell's series and
// the cells' state changes (viewers read them).
import { Type } from 'typebox';
import {
  CellEventSchema,
  EventsQuerySchema,
  MatrixQuerySchema,
  MatrixSchema,
  MonitorBodySchema,
  MonitorSchema,
  ReceiverParamsSchema,
  SeriesQuerySchema,
  SeriesSchema,
} from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../http/schemas.ts';
import { actor } from '../http/auth.ts';
import { badRequest, notFound } from '../domain-errors.ts';
import {
  createMonitor,
  deleteMonitor,
  listMonitors,
  findMonitor,
  setMonitorState,
  setReceiverJoined,
  toPublicMonitor,
  updateMonitor,
} from '../services/monitors.ts';
import { liveCellsInSteps, matrixOf } from '../monitors/matrix.ts';
import { MatrixCache } from '../monitors/matrix-cache.ts';
import { JsonBody, sendJson } from '../http/json-body.ts';
import { cellEvents, cellSeries, findCell, pastCells } from '../monitors/reads.ts';

const MonitorParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100, description: 'the monitor id or name' }) },
  { additionalProperties: false },
);
const tags = ['monitors'];

export function monitorRoutes(app: App, ctx: AppContext) {
  const { db, secrets, monitors: hub, config } = ctx;
  const matrices = new MatrixCache();
  app.addHook('onClose', async () => matrices.close());
  /** The loaded monitor by id or name. */
  const loaded = async (ref: string) => {
    const m = hub.catalog.monitors.get(ref) ?? [...hub.catalog.monitors.values()].find((x) => x.name === ref);
    if (!m) throw notFound('monitor');
    return m;
  };
  const time = (field: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const t = Date.parse(text);
    if (Number.isNaN(t)) throw badRequest(field, `"${text}" is not a date and time`);
    return t;
  };

  app.get('/api/monitors', {
    config: { minRole: 'viewer' },
    schema: { tags, summary: 'Monitors', response: { 200: Type.Array(MonitorSchema), ...errors(401) } },
    handler: async () => (await listMonitors(db)).map(toPublicMonitor),
  });
  app.post('/api/monitors', {
    config: { minRole: 'operator' },
    schema: {
      tags,
      summary:
        'Create a monitor (it runs at once): beacon groups (SSM with `$AGENT` as source, or ASM) and watches among agents',
      body: MonitorBodySchema,
      response: { 201: MonitorSchema, ...errors(400, 401, 403, 409) },
    },
    handler: async (req, reply) =>
      reply.status(201).send(toPublicMonitor(await createMonitor(db, secrets, hub, actor(req), req.body))),
  });
  app.get('/api/monitors/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags,
      summary: 'One monitor',
      params: MonitorParams,
      response: { 200: MonitorSchema, ...errors(401, 404) },
    },
    handler: async (req) => toPublicMonitor(await findMonitor(db, req.params.id)),
  });
  app.put('/api/monitors/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags,
      summary: 'Change a monitor (groups keep their ids and history when given back with them)',
      params: MonitorParams,
      body: MonitorBodySchema,
      response: { 200: MonitorSchema, ...errors(400, 401, 403, 404, 409) },
    },
    handler: async (req) =>
      toPublicMonitor(await updateMonitor(db, hub, actor(req), req.params.id, req.body)),
  });
  app.delete('/api/monitors/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags,
      summary: 'Delete a monitor with its history',
      params: MonitorParams,
      response: { 204: Type.Null(), ...errors(401, 403, 404) },
    },
    handler: async (req, reply) => {
      await deleteMonitor(db, hub, actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  });
  for (const [verb, running] of [
    ['start', true],
    ['stop', false],
  ] as const)
    app.post(`/api/monitors/:id/${verb}`, {
      config: { minRole: 'operator' },
      schema: {
        tags,
        summary: running ? 'Start a stopped monitor' : 'Stop a monitor (agents stop beaconing and leave)',
        params: MonitorParams,
        response: { 200: MonitorSchema, ...errors(400, 401, 403, 404) },
      },
      handler: async (req) =>
        toPublicMonitor(await setMonitorState(db, hub, actor(req), req.params.id, running)),
    });
  for (const [verb, joined] of [
    ['leave', false],
    ['join', true],
  ] as const)
    app.post(`/api/monitors/:id/receivers/:agent/${verb}`, {
      config: { minRole: 'operator' },
      schema: {
        tags,
        summary: joined
          ? 'Make a receiver join its groups again (its join latency is measured)'
          : 'Make a receiver leave its groups (real MLD leave; its leave latency is measured)',
        params: ReceiverParamsSchema,
        response: { 200: MonitorSchema, ...errors(400, 401, 403, 404) },
      },
      handler: async (req) =>
        toPublicMonitor(
          await setReceiverJoined(db, hub, actor(req), req.params.id, req.params.agent, joined),
        ),
    });
  app.get('/api/monitors/:id/matrix', {
    config: { minRole: 'viewer' },
    schema: {
      tags,
      summary:
        'The source × receiver matrix per group, now or at a past time (`at`): its cells as columns, one per entry of `fields` (states by index into `states`); gzip when accepted',
      params: MonitorParams,
      querystring: MatrixQuerySchema,
      response: { 200: MatrixSchema, ...errors(400, 401, 404) },
    },
    handler: async (req, reply) => {
      const m = await loaded(req.params.id);
      const now = Date.now();
      const at = time('at', req.query.at);
      if (at !== undefined && at > now + 1000) throw badRequest('at', 'is in the future');
      if (at === undefined) {
        const live = hub.live.get(m.id);
        // Served as serialised (MatrixSchema-shaped) JSON, built once per change: see matrix-cache.ts.
        const body = await matrices.get(m, live, now, async (t) =>
          matrixOf(
            m,
            await liveCellsInSteps(m, live, t),
            t,
            true,
            live?.newestSummaryEnd,
            live?.problems ?? new Map(),
          ),
        );
        return sendJson(req, reply, body);
      }
      const past = await pastCells(db, hub.history, config, m, at, now);
      const doc = await matrixOf(m, past.cells, at, false, past.newestEnd, new Map());
      return sendJson(req, reply, await JsonBody.inSteps(doc));
    },
  });
  app.get('/api/monitors/:id/series', {
    config: { minRole: 'viewer' },
    schema: {
      tags,
      summary:
        "One cell's series over [from, to) at a step (raw intervals within raw retention, else 1-minute or 1-hour roll-ups), with its state changes",
      params: MonitorParams,
      querystring: SeriesQuerySchema,
      response: { 200: SeriesSchema, ...errors(400, 401, 404) },
    },
    handler: async (req, reply) => {
      const m = await loaded(req.params.id);
      const q = req.query;
      const series = await cellSeries(
        db,
        hub.history,
        config,
        m,
        findCell(m, q),
        time('from', q.from)!,
        time('to', q.to)!,
        q.step,
      );
      // A day of 10 s points is 16 arrays of 8,640 nullable numbers: the schema's serialiser checks each
      // element against number-or-null, about 4× slower here than JSON.stringify of the same document.
      return sendJson(req, reply, JsonBody.of(series));
    },
  });
  app.get('/api/monitors/:id/events', {
    config: { minRole: 'viewer' },
    schema: {
      tags,
      summary: "Cells' state changes, oldest first (filter by group, source and receiver, and by time)",
      params: MonitorParams,
      querystring: EventsQuerySchema,
      response: { 200: Type.Array(CellEventSchema), ...errors(400, 401, 404) },
    },
    handler: async (req) => {
      const m = await loaded(req.params.id);
      const q = req.query;
      const cell =
        q.group && q.source && q.receiver
          ? findCell(m, { group: q.group, source: q.source, receiver: q.receiver })
          : undefined;
      const receiver =
        q.receiver &&
        ([...m.names].find(([id, n]) => id === q.receiver || n === q.receiver)?.[0] ?? q.receiver);
      return cellEvents(db, m, {
        ...(cell && { cell }),
        ...(q.group && { group: q.group }),
        ...(receiver && { receiver }),
        ...(q.from && { from: time('from', q.from) }),
        ...(q.to && { to: time('to', q.to) }),
        limit: q.limit ?? 1000,
      });
    },
  });
}
