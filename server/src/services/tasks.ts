// Tasks (a kind + arguments checked by the kind's schema), running them now, and their runs.
import type { Run as RunOut, Task as TaskOut } from '@netspotter/shared/api';
import type { Database } from '../db/connect.ts';
import type { Task, TaskRun } from '../db/generated/client.ts';
import { toJson } from '../db/json-column.ts';
import { notFound } from '../domain-errors.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import { checkArgs } from '../tasks/registry.ts';
import { cancelRun as cancelQueuedRun, type TaskRunner } from '../tasks/runner.ts';
import { audited, type Actor } from './audit.ts';

export const toPublicTask = (t: Task): TaskOut => ({
  ...t,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

export const toPublicRun = (r: TaskRun): RunOut => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  startedAt: r.startedAt?.toISOString() ?? null,
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

export const listTasks = (db: Database) => db.prisma.task.findMany({ orderBy: { createdAt: 'desc' } });

export async function findTask(db: Database, id: string): Promise<Task> {
  const t = await db.prisma.task.findUnique({ where: { id } });
  if (!t) throw notFound('task');
  return t;
}

export async function createTask(
  db: Database,
  by: Actor,
  input: { name: string; kind: string; args?: unknown },
): Promise<Task> {
  const args = toJson((await checkArgs(db, input.kind, input.args)) as object);
  return audited(db, by, async (tx, audit) => {
    const t = await tx.task.create({
      data: { name: input.name, kind: input.kind, args, createdBy: by.username },
    });
    await audit('create', 'task', t.id, { name: t.name, kind: t.kind });
    return t;
  });
}

export async function updateTask(
  db: Database,
  by: Actor,
  id: string,
  change: { name?: string; args?: unknown },
): Promise<Task> {
  const existing = await findTask(db, id);
  const args =
    change.args === undefined
      ? undefined
      : toJson((await checkArgs(db, existing.kind, change.args)) as object);
  return audited(db, by, async (tx, audit) => {
    const t = await tx.task.update({
      where: { id: existing.id },
      data: { ...(change.name && { name: change.name }), ...(args && { args }) },
    });
    await audit('update', 'task', t.id, { name: t.name });
    return t;
  });
}

/** Deletes the task with its schedules and runs. */
export async function deleteTask(db: Database, scheduler: Scheduler, by: Actor, id: string): Promise<void> {
  const t = await findTask(db, id);
  await audited(db, by, async (tx, audit) => {
    await tx.task.delete({ where: { id: t.id } });
    await audit('delete', 'task', t.id, { name: t.name });
  });
  await scheduler.reload();
}

export async function runTaskNow(db: Database, runner: TaskRunner, by: Actor, id: string): Promise<TaskRun> {
  const t = await findTask(db, id);
  const run = await audited(db, by, async (tx, audit) => {
    const queued = await runner.queue(tx, t.id, 'manual');
    await audit('run', 'task', t.id, { runId: queued.id });
    return queued;
  });
  runner.kick();
  return run;
}

export const listRuns = (db: Database, q: { taskId?: string; state?: TaskRun['state']; limit?: number }) =>
  db.prisma.taskRun.findMany({
    where: { ...(q.taskId && { taskId: q.taskId }), ...(q.state && { state: q.state }) },
    orderBy: { createdAt: 'desc' },
    take: q.limit ?? 100,
  });

export async function findRun(db: Database, id: string): Promise<TaskRun> {
  const r = await db.prisma.taskRun.findUnique({ where: { id } });
  if (!r) throw notFound('run');
  return r;
}

export async function cancelRun(db: Database, runner: TaskRunner, by: Actor, id: string): Promise<TaskRun> {
  const run = await audited(db, by, async (tx, audit) => {
    const cancelled = await cancelQueuedRun(tx, id);
    await audit('cancel', 'run', cancelled.id);
    return cancelled;
  });
  runner.abort(run.id);
  return run;
}
