// One device of a discovery run, as a worker polls it: claimed (only a queued device is taken, so a device
// is polled by one worker at a time and once per run), polled with the run's settings and its credential,
// and stored with its report; the run's count goes up, the next device goes out, and the round's job when
// it was the last. A worker that stops mid-poll hands the device back; a cancelled run's devices end there.
import { Type } from 'typebox';
import { credentialSecrets, Redactor } from '@netspotter/shared/snmp/redact';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { targetLabel } from '@netspotter/shared/snmp/target';
import type { Database } from '../../db/connect.ts';
import { readJson, toJson } from '../../db/json-column.ts';
import type { Prisma } from '../../db/generated/client.ts';
import type { JobEngine } from '../../jobs/engine.ts';
import type { Executor } from '../../jobs/executor.ts';
import { RunCancelled, takenLongAgo, type JobKind } from '../../jobs/worker.ts';
import type { SecretBox } from '../../security/secret-box.ts';
import { openCredential } from '../../services/credentials.ts';
import { pollTarget, type PolledTarget, type TargetReport } from '@netspotter/shared/snmp/poll-target';
import { pollSettings } from '../discover.ts';
import { awaitRemotePoll } from './remote-device.ts';
import { DEVICE_QUEUE, ROUND_QUEUE, readSettings, type DeviceJob } from './queues.ts';
import { releaseDevices, sendRoundIfFinished } from './window.ts';

export const TargetReportSchema = Type.Unsafe<TargetReport>(Type.Object({ target: Type.String() }));
export const DeviceFactsSchema = Type.Unsafe<DeviceFacts>(Type.Object({ target: Type.String() }));

export interface DiscoveryWorkDeps {
  db: Database;
  engine: JobEngine;
  secrets: SecretBox;
  executor: Executor;
}

/** Tries per device job before the device is reported as given up (a worker lost, the database away). */
const DEVICE_RETRIES = 3;

export function deviceJobKind(deps: DiscoveryWorkDeps, concurrency: number): JobKind<DeviceJob> {
  const { prisma } = deps.db;
  return {
    queue: DEVICE_QUEUE,
    // Expiry is per job (the run's device budget and some slack); this is the queue's default.
    options: { retryLimit: DEVICE_RETRIES, retryDelay: 1, expireInSeconds: 900 },
    concurrency,
    handle: (job, signal) => pollOne(deps, job.data.deviceId, signal),
    runOf: (d) => d.runId,
    gaveUp: async (d, reason) => {
      const device = await prisma.discoveryDevice.findUnique({ where: { id: d.deviceId } });
      if (!device || device.state === 'done' || device.state === 'skipped') return;
      await finish(deps, device, {
        report: { target: deviceLabel(device), status: 'network', issues: [], ms: 0 },
        unreachable: { target: deviceLabel(device), reason: `gave up: ${reason}` },
      });
    },
    executors: async () =>
      (
        await prisma.discoveryDevice.findMany({
          where: { state: 'polling', executor: { not: null } },
          distinct: ['executor'],
          select: { executor: true },
        })
      ).map((r) => r.executor!),
    unstarted: async () => {
      const queued = await prisma.discoveryDevice.findMany({
        where: { state: 'queued' },
        select: { id: true },
      });
      const stale = await takenLongAgo(
        deps.engine,
        DEVICE_QUEUE,
        queued.map((d) => d.id),
      );
      if (stale.length)
        await deps.engine.fail(DEVICE_QUEUE, stale, 'taken by a worker that stopped before polling it');
    },
    reclaim: async (gone) => {
      const devices = await prisma.discoveryDevice.findMany({
        where: { state: 'polling', executor: gone },
        select: { id: true },
      });
      const ids = devices.map((d) => d.id);
      const { count } = await prisma.discoveryDevice.updateMany({
        where: { id: { in: ids }, state: 'polling', executor: gone },
        data: { state: 'queued', executor: null },
      });
      // Their jobs go back to the engine, which retries them on any worker.
      if (count) await deps.engine.fail(DEVICE_QUEUE, ids, 'its worker stopped');
    },
  };
}

type DeviceRow = Prisma.DiscoveryDeviceGetPayload<object>;

/** How the run report names a device row (`ADDRESS[:PORT]`, or `… #N` for one polled with several credentials). */
export const deviceLabel = (d: Pick<DeviceRow, 'address' | 'port' | 'name'>) =>
  targetLabel({ address: d.address, port: d.port, ...(d.name && { name: d.name }) });

async function pollOne(deps: DiscoveryWorkDeps, deviceId: string, signal: AbortSignal): Promise<void> {
  const { prisma } = deps.db;
  const claimed = await prisma.discoveryDevice.updateMany({
    where: { id: deviceId, state: 'queued' },
    data: {
      state: 'polling',
      executor: deps.executor.id,
      poller: deps.executor.label,
      attempts: { increment: 1 },
    },
  });
  // Polled already, or being polled by a live worker (an expired job's retry): nothing to do.
  if (!claimed.count) return;
  const device = await prisma.discoveryDevice.findUniqueOrThrow({
    where: { id: deviceId },
    include: { credential: true, run: { include: { run: { select: { state: true } } } } },
  });
  if (device.run.run.state !== 'running')
    return void (await skip(deps, device, `run ${device.run.run.state}`));
  if (!device.credential)
    return void (await finish(deps, device, {
      report: { target: deviceLabel(device), status: 'auth', issues: [], ms: 0 },
      unreachable: { target: deviceLabel(device), reason: 'its credential was deleted during the run' },
    }));
  const credential = openCredential(deps.secrets, device.credential);
  const settings = readSettings(device.run.settings);
  let polled: PolledTarget;
  try {
    if (device.site) {
      // An agent of the device's site polls it: this worker waits for its upload.
      const remote = await awaitRemotePoll(
        deps.db,
        { id: device.id, runId: device.runId, site: device.site, label: deviceLabel(device) },
        settings.pollerWaitMs ?? 120_000,
        signal,
      );
      polled = remote.polled;
      polled.report.poller = remote.poller ?? `none of site ${device.site}`;
    } else {
      polled = await pollTarget(
        { address: device.address, port: device.port, credential, ...(device.name && { name: device.name }) },
        pollSettings(settings.poll),
        () => undefined,
        signal,
      );
      polled.report.poller = 'server';
    }
    signal.throwIfAborted(); // a poll cut short is not a result
  } catch (err) {
    if (signal.reason instanceof RunCancelled) return void (await skip(deps, device, signal.reason.message));
    // This worker stops, or the poll broke: the device goes back for any worker to poll.
    await prisma.discoveryDevice.updateMany({
      where: { id: deviceId, state: 'polling', executor: deps.executor.id },
      data: { state: 'queued', executor: null },
    });
    throw signal.aborted ? signal.reason : err;
  }
  // A device can make the poller's error texts quote the credential it was sent.
  const redact = new Redactor(credentialSecrets(credential));
  for (const i of polled.report.issues) i.reason = redact.text(i.reason);
  for (const i of polled.facts?.issues ?? []) i.reason = redact.text(i.reason);
  if (polled.unreachable) polled.unreachable.reason = redact.text(polled.unreachable.reason);
  await finish(deps, device, polled);
}

async function skip(deps: DiscoveryWorkDeps, device: DeviceRow, reason: string): Promise<void> {
  await deps.db.prisma.discoveryDevice.updateMany({
    where: { id: device.id, state: { in: ['queued', 'polling'] } },
    data: { state: 'skipped', reason, executor: null, finishedAt: new Date() },
  });
}

/** Stores a device's outcome once (only while it is still this worker's, or unclaimed), and moves the run on. */
async function finish(deps: DiscoveryWorkDeps, device: DeviceRow, polled: PolledTarget): Promise<void> {
  const { engine } = deps;
  await deps.db.prisma.$transaction(async (tx) => {
    const stored = await tx.discoveryDevice.updateMany({
      where: {
        id: device.id,
        OR: [{ state: 'polling', executor: deps.executor.id }, { state: { in: ['pending', 'queued'] } }],
      },
      data: {
        state: 'done',
        executor: null,
        report: toJson(polled.report),
        ...(polled.facts && { facts: toJson(polled.facts) }),
        reason: polled.unreachable?.reason ?? null,
        finishedAt: new Date(),
      },
    });
    if (!stored.count) return; // handed back meanwhile: whoever polls it now stores it
    // Locks the run's row: of two devices finishing at once, the second sees the first one done.
    const run = await tx.discoveryRun.update({
      where: { runId: device.runId },
      data: { done: { increment: 1 } },
    });
    await tx.taskRun.updateMany({
      where: { id: device.runId, state: 'running' },
      data: {
        progress: toJson({ phase: 'poll', done: run.done, total: run.total, target: polled.report.target }),
      },
    });
    await releaseDevices(tx, engine, device.runId);
    await sendRoundIfFinished(tx, engine, device.runId, device.round);
  });
  engine.wake(DEVICE_QUEUE);
  engine.wake(ROUND_QUEUE);
}

/** A stored device's facts and report, read back checked. */
export const storedFacts = (v: Prisma.JsonValue) => readJson(DeviceFactsSchema, v, 'discovery_devices.facts');
export const storedReport = (v: Prisma.JsonValue) =>
  readJson(TargetReportSchema, v, 'discovery_devices.report');
