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

/** Inside the caller's transaction: gives the next pending devices their jobs; returns how many. */
export async function releaseDevices(
  tx: Prisma.TransactionClient,
  engine: JobEngine,
  runId: string,
): Promise<number> {
  // The run's row, locked: two workers releasing at once would both see the same free slots.
  const [run] = await tx.$queryRaw<{ concurrency: number; settings: Prisma.JsonValue }[]>`
    SELECT concurrency, settings FROM discovery_runs WHERE run_id = ${runId} FOR UPDATE`;
  if (!run) return 0;
  // A cancelled or failed run polls nothing more.
  const live = await tx.taskRun.count({ where: { id: runId, state: 'running' } });
  if (!live) return 0;
  const inFlight = await tx.discoveryDevice.count({ where: { runId, state: { in: ['queued', 'polling'] } } });
  const free = run.concurrency - inFlight;
  if (free <= 0) return 0;
  const next = await tx.discoveryDevice.findMany({
    where: { runId, state: 'pending' },
    orderBy: [{ round: 'asc' }, { position: 'asc' }],
    take: free,
    select: { id: true, key: true, site: true },
  });
  if (!next.length) return 0;
  await tx.discoveryDevice.updateMany({
    where: { id: { in: next.map((d) => d.id) } },
    data: { state: 'queued' },
  });
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
  const open = await tx.discoveryDevice.count({
    where: { runId, round, state: { in: ['pending', 'queued', 'polling'] } },
  });
  if (open) return false;
  await engine.send(ROUND_QUEUE, { runId, round } satisfies RoundJob, { id: roundJobId(runId, round) }, tx);
  return true;
}

export const roundJobId = (runId: string, round: number) => stableId('discovery round', runId, String(round));
