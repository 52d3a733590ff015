// Live progress of a run as server-sent events. It polls the database, so it works whichever
// replica executes the run.
import { Type } from 'typebox';
import { wait } from '@netspotter/shared';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { findRun, toPublicRun as toRun } from '../services/tasks.ts';
import { ENDED_RUN_STATES } from '../tasks/run-states.ts';

const POLL_MS = 500;
const ENDED = new Set(ENDED_RUN_STATES);

export function runEventRoutes(app: App, ctx: AppContext) {
  app.get('/api/runs/:id/events', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary:
        'Follow a run: server-sent events `run` (state, progress, message) on every change, then `end`',
      params: IdParams,
      response: { 200: Type.String({ description: 'text/event-stream' }), ...errors(401, 404) },
    },
    handler: async (req, reply) => {
      const first = await findRun(ctx.db, req.params.id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-request-id': req.id,
      });
      let closed = false;
      req.raw.on('close', () => (closed = true));
      let last = '';
      let run = first;
      for (;;) {
        const text = JSON.stringify(toRun(run));
        if (text !== last) {
          res.write(`event: run\ndata: ${text}\n\n`);
          last = text;
        }
        if (closed || ENDED.has(run.state)) break;
        await wait(POLL_MS);
        const next = await ctx.db.prisma.taskRun.findUnique({ where: { id: run.id } });
        if (!next) break;
        run = next;
      }
      if (!closed) res.end('event: end\ndata: {}\n\n');
    },
  });
}
