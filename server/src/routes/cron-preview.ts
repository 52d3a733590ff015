// The next fire times of a cron expression before anything is saved, so the schedule form can show
// them in words as the user types. Same check as storing a schedule (one source of truth).
import { Type } from 'typebox';
import type { App } from '../http/app-type.ts';
import { errors } from '../http/schemas.ts';
import { nextRuns } from '../scheduler/scheduler.ts';
import { checkSchedule } from './schedules.ts';

export function cronPreviewRoutes(app: App) {
  app.get('/api/cron/next-runs', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary:
        'Check a cron expression (and time zone) and list its next fire times, without saving anything',
      querystring: Type.Object(
        {
          cron: Type.String({ minLength: 1, maxLength: 200 }),
          timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          count: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 5 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ nextRuns: Type.Array(Type.String()) }), ...errors(400, 401) },
    },
    handler: async (req) => {
      const { cron, timezone, count } = req.query;
      checkSchedule(cron, timezone);
      return { nextRuns: nextRuns(cron, timezone, count ?? 5).map((d) => d.toISOString()) };
    },
  });
}
