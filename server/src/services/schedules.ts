// Cron schedules of tasks: checked (5 or 6 fields, an IANA time zone), stored, and the scheduler reloaded.
import type { Schedule as ScheduleOut } from '@netspotter/shared/api';
import type { Database } from '../db/connect.ts';
import type { Schedule } from '../db/generated/client.ts';
import { badRequest, notFound } from '../domain-errors.ts';
import { cronProblem, isValidTimezone, nextRuns, type Scheduler } from '../scheduler/scheduler.ts';
import { audited, type Actor } from './audit.ts';

export const toPublicSchedule = (s: Schedule): ScheduleOut => ({
  ...s,
  lastRunAt: s.lastRunAt?.toISOString() ?? null,
  nextRuns: s.enabled ? nextRuns(s.cron, s.timezone, 5).map((d) => d.toISOString()) : [],
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

/** The one cron and time-zone check: schedules and the preview both use it. */
export function checkSchedule(cron?: string, timezone?: string | null) {
  const problem = cron === undefined ? undefined : cronProblem(cron);
  if (problem) throw badRequest('cron', `invalid cron expression: ${problem}`);
  if (timezone && !isValidTimezone(timezone)) throw badRequest('timezone', `unknown time zone "${timezone}"`);
}

export const listSchedules = (db: Database, q: { taskId?: string }) =>
  db.prisma.schedule.findMany({
    where: { ...(q.taskId && { taskId: q.taskId }) },
    orderBy: { createdAt: 'asc' },
  });

export async function createSchedule(
  db: Database,
  scheduler: Scheduler,
  by: Actor,
  input: { taskId: string; cron: string; timezone?: string; enabled?: boolean },
): Promise<Schedule> {
  checkSchedule(input.cron, input.timezone);
  if (!(await db.prisma.task.findUnique({ where: { id: input.taskId } })))
    throw badRequest('taskId', 'no such task');
  const s = await audited(db, by, async (tx, audit) => {
    const created = await tx.schedule.create({
      data: {
        taskId: input.taskId,
        cron: input.cron,
        timezone: input.timezone ?? null,
        enabled: input.enabled ?? true,
      },
    });
    await audit('create', 'schedule', created.id, { taskId: created.taskId, cron: created.cron });
    return created;
  });
  await scheduler.reload();
  return s;
}

export async function updateSchedule(
  db: Database,
  scheduler: Scheduler,
  by: Actor,
  id: string,
  change: { cron?: string; timezone?: string | null; enabled?: boolean },
): Promise<Schedule> {
  checkSchedule(change.cron, change.timezone);
  if (!(await db.prisma.schedule.findUnique({ where: { id } }))) throw notFound('schedule');
  const s = await audited(db, by, async (tx, audit) => {
    const updated = await tx.schedule.update({ where: { id }, data: change });
    await audit('update', 'schedule', updated.id, change);
    return updated;
  });
  await scheduler.reload();
  return s;
}

export async function deleteSchedule(
  db: Database,
  scheduler: Scheduler,
  by: Actor,
  id: string,
): Promise<void> {
  const s = await db.prisma.schedule.findUnique({ where: { id } });
  if (!s) throw notFound('schedule');
  await audited(db, by, async (tx, audit) => {
    await tx.schedule.delete({ where: { id: s.id } });
    await audit('delete', 'schedule', s.id, { taskId: s.taskId, cron: s.cron });
  });
  await scheduler.reload();
}
