// The next fire times of a cron expression before anything is saved, so the schedule form can show
// them in words as the user types. Same check as storing a schedule (one source of truth).
import { CronPreviewQuerySchema, CronPreviewSchema } from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import { errors } from '../http/schemas.ts';
import { nextRuns } from '../scheduler/scheduler.ts';
import { checkSchedule } from '../services/schedules.ts';

export function cronPreviewRoutes(app: App) {
  app.get('/api/cron/next-runs', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary:
        'Check a cron expression (and time zone) and list its next fire times, without saving anything',
      querystring: CronPreviewQuerySchema,
      response: { 200: CronPreviewSchema, ...errors(400, 401) },
    },
    handler: async (req) => {
      const { cron, timezone, count } = req.query;
      checkSchedule(cron, timezone);
      return { nextRuns: nextRuns(cron, timezone, count ?? 5).map((d) => d.toISOString()) };
    },
  });
}
