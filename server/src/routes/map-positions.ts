// The map's node positions, per user and layer: a node the user placed stays where it was on every
// browser, and a new node does not re-lay out the rest. Each user reads and writes only their own.
import { Type } from 'typebox';
import { LayerSchema, MapPositionsSchema } from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../http/schemas.ts';
import { actor } from '../http/auth.ts';
import { readJson, toJson } from '../db/json-column.ts';

const LayerParams = Type.Object({ layer: LayerSchema }, { additionalProperties: false });

export function mapPositionRoutes(app: App, ctx: AppContext) {
  const viewer = { minRole: 'viewer' as const };
  app.get('/api/map/positions/:layer', {
    config: viewer,
    schema: {
      tags: ['discovery'],
      summary: 'Where the current user placed the nodes of a layer (empty when never saved)',
      params: LayerParams,
      response: { 200: MapPositionsSchema, ...errors(400, 401) },
    },
    handler: async (req) => {
      const row = await ctx.db.prisma.mapPositions.findUnique({
        where: { userId_layer: { userId: actor(req).id, layer: req.params.layer } },
      });
      return row ? readJson(MapPositionsSchema, row.positions, 'map_positions.positions') : {};
    },
  });
  app.put('/api/map/positions/:layer', {
    config: viewer,
    schema: {
      tags: ['discovery'],
      summary: 'Replace where the current user placed the nodes of a layer',
      params: LayerParams,
      body: MapPositionsSchema,
      response: { 200: MapPositionsSchema, ...errors(400, 401) },
    },
    handler: async (req) => {
      const where = { userId: actor(req).id, layer: req.params.layer };
      await ctx.db.prisma.mapPositions.upsert({
        where: { userId_layer: where },
        create: { ...where, positions: toJson(req.body) },
        update: { positions: toJson(req.body) },
      });
      return req.body;
    },
  });
}
