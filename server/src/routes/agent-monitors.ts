// The agents' monitor summaries (agent protocol): one per agent, monitor and interval, uploaded from
// the agent's journal; storing is idempotent, so a replay after the server was away stores nothing twice.
import { SummariesRequestSchema, SummariesResponseSchema } from '@netspotter/shared/agent-protocol';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../http/schemas.ts';
import { beatingAgent } from '../agents/agent-auth.ts';

export function agentMonitorRoutes(app: App, ctx: AppContext) {
  app.post('/api/agent/monitors/summaries', {
    config: { minRole: 'public' },
    schema: {
      tags: ['agent protocol'],
      summary:
        'Upload monitor summaries (idempotent by monitor, agent and interval); summaries of monitors the agent no longer takes part in are dropped and counted as ignored',
      body: SummariesRequestSchema,
      response: { 200: SummariesResponseSchema, ...errors(400, 401, 403) },
    },
    handler: async (req) => {
      const agent = await beatingAgent(ctx.db, ctx.config, req);
      return ctx.monitors.ingest(agent.id, req.body.summaries);
    },
  });
}
