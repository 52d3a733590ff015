// How much of a discovery run is in flight: at most its concurrency of devices have a job at once, over
// every worker; each device that finishes lets the next one go, in the order the in-process run polls them.
// When a follow round's last device is in, one round job goes out (its id derived from run and round, so
// however many workers see the round end, the engine stores it once).
import type { Prisma } from '../../db/generated/client.ts';
import type { JobEngine } from '../../jobs/engine.ts';
import { stableId } from '../../jobs/ids.ts';
import {
  DEVICE_EXPIRY_SLACK_S,
  DEVICE_QUEUE,
  ROUND_QUEUE,
  readSettings,
  type DeviceJob,
  type RoundJob,
} from './queues.ts';

/**
 * Inside the caller's transaction: gives the next pending devices their jobs; returns how many. Runs for
 * every device that finishes, so it is three statements (raw SQL: Prisma's per-query cost on the worker's
 * event loop was the larger part of a device's database work).
 */
export async function releaseDevices(
  tx: Prisma.TransactionClient,
  engine: JobEngine,
  runId: string,
): Promise<number> {
  // The run's row, locked (two workers releasing at once would both see the same free slots), while the
  // run lives: a cancelled or failed run polls nothing more. A statement of its own, so that the count
  // below is read after the lock is held (a statement sees the database as it was when it began).
  const [run] = await tx.$queryRaw<{ concurrency: number; settings: Prisma.JsonValue }[]>`
    SELECT r.concurrency, r.settings FROM discovery_runs r
      JOIN task_runs t ON t.id = r.run_id AND t.state = 'running'
     WHERE r.run_id = ${runId} FOR UPDATE OF r`;
  if (!run) return 0;
  // As many of the next pending devices as there are free slots, in poll order, marked queued.
  const next = await tx.$queryRaw<{ id: string; key: string; site: string | null }[]>`
    WITH next AS (
      SELECT id FROM discovery_devices
       WHERE run_id = ${runId} AND state = 'pending'
       ORDER BY round, position
       LIMIT GREATEST(${run.concurrency}::int - (
         SELECT count(*) FROM discovery_devices
          WHERE run_id = ${runId} AND state IN ('queued', 'polling')), 0))
    UPDATE discovery_devices d SET state = 'queued' FROM next WHERE d.id = next.id
    RETURNING d.id, d.key, d.site`;
  if (!next.length) return 0;
  const settings = readSettings(run.settings);
  const expireInSeconds = Math.ceil(settings.poll.deviceBudgetMs / 1000) + DEVICE_EXPIRY_SLACK_S;
  // A device of a site first waits for one of the site's pollers to lease it.
  const waitS = Math.ceil((settings.pollerWaitMs ?? 0) / 1000);
  await engine.sendMany(
    DEVICE_QUEUE,
    next.map((d) => ({
      id: d.id,
      data: { runId, deviceId: d.id } satisfies DeviceJob,
      // One active poll per device of a run, whatever happens to ids.
      singletonKey: `${runId}:${d.key}`,
      expireInSeconds: expireInSeconds + (d.site ? waitS : 0),
    })),
    tx,
  );
  return next.length;
}

/**
 * Inside the caller's transaction, which holds the run's row (so of two devices finishing at once, the
 * second sees the first one done): sends the round's job when none of its devices is left to poll.
 */
export async function sendRoundIfFinished(
  tx: Prisma.TransactionClient,
  engine: JobEngine,
  runId: string,
  round: number,
): Promise<boolean> {
  const [{ open }] = await tx.$queryRaw<[{ open: boolean }]>`
    SELECT EXISTS (SELECT 1 FROM discovery_devices WHERE run_id = ${runId} AND round = ${round}
                      AND state IN ('pending', 'queued', 'polling')) AS open`;
  if (open) return false;
  await engine.send(ROUND_QUEUE, { runId, round } satisfies RoundJob, { id: roundJobId(runId, round) }, tx);
  return true;
}

export const roundJobId = (runId: string, round: number) => stableId('discovery round', runId, String(round));
