// One device of a discovery run, as a worker polls it: claimed (only a queued device is taken, so a device
// is polled by one worker at a time and once per run), polled with the run's settings and its credential,
// and stored with its report; the run's count goes up, the next device goes out, and the round's job when
// it was the last. A worker that stops mid-poll hands the device back; a cancelled run's devices end there.
import { Type } from 'typebox';
import { credentialSecrets, Redactor } from '@netspotter/shared/snmp/redact';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { targetLabel } from '@netspotter/shared/snmp/target';
import type { Database } from '../../db/connect.ts';
import { readJson } from '../../db/json-column.ts';
import type { Prisma } from '../../db/generated/client.ts';
import type { JobEngine } from '../../jobs/engine.ts';
import type { Executor } from '../../jobs/executor.ts';
import { RunCancelled, takenLongAgo, type JobKind } from '../../jobs/worker.ts';
import type { SecretBox } from '../../security/secret-box.ts';
import { openCredential, type SealedCredential } from '../../services/credentials.ts';
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
/** What storing a device's outcome needs of its row. */
type StoredDevice = Pick<DeviceRow, 'id' | 'runId' | 'round'>;

/** How the run report names a device row (`ADDRESS[:PORT]`, or `… #N` for one polled with several credentials). */
export const deviceLabel = (d: Pick<DeviceRow, 'address' | 'port' | 'name'>) =>
  targetLabel({ address: d.address, port: d.port, ...(d.name && { name: d.name }) });

/** A device just claimed by this worker, with its run's settings and state and its credential's columns. */
interface ClaimedDevice extends Pick<
  DeviceRow,
  'id' | 'runId' | 'round' | 'address' | 'port' | 'name' | 'site'
> {
  settings: Prisma.JsonValue;
  runState: string;
  credential: SealedCredential | null;
}

/**
 * Claims a queued device for this worker (only a queued one is taken, so a device is polled by one worker
 * at a time and once per run) and reads what its poll needs, in one statement.
 */
async function claim(deps: DiscoveryWorkDeps, deviceId: string): Promise<ClaimedDevice | undefined> {
  const { id: executor, label } = deps.executor;
  const [row] = await deps.db.prisma.$queryRaw<
    (Omit<ClaimedDevice, 'credential'> & { credentialId: string | null } & SealedCredential)[]
  >`
    WITH d AS (
      UPDATE discovery_devices
         SET state = 'polling', executor = ${executor}, poller = ${label}, attempts = attempts + 1
       WHERE id = ${deviceId} AND state = 'queued'
      RETURNING id, run_id, round, address, port, name, site, credential_id)
    SELECT d.id, d.run_id AS "runId", d.round, d.address, d.port, d.name, d.site, r.settings,
           t.state::text AS "runState", c.id AS "credentialId", c.version::text AS version,
           c.community_enc AS "communityEnc", c.v3_user AS "v3User", c.auth_protocol AS "authProtocol",
           c.auth_key_enc AS "authKeyEnc", c.priv_protocol AS "privProtocol", c.priv_key_enc AS "privKeyEnc"
      FROM d JOIN discovery_runs r ON r.run_id = d.run_id JOIN task_runs t ON t.id = d.run_id
      LEFT JOIN credentials c ON c.id = d.credential_id`;
  if (!row) return undefined;
  const {
    credentialId,
    version,
    communityEnc,
    v3User,
    authProtocol,
    authKeyEnc,
    privProtocol,
    privKeyEnc,
    ...device
  } = row;
  return {
    ...device,
    credential: credentialId
      ? { version, communityEnc, v3User, authProtocol, authKeyEnc, privProtocol, privKeyEnc }
      : null,
  };
}

async function pollOne(deps: DiscoveryWorkDeps, deviceId: string, signal: AbortSignal): Promise<void> {
  const { prisma } = deps.db;
  const device = await claim(deps, deviceId);
  // Polled already, or being polled by a live worker (an expired job's retry): nothing to do.
  if (!device) return;
  if (device.runState !== 'running') return void (await skip(deps, device, `run ${device.runState}`));
  if (!device.credential)
    return void (await finish(deps, device, {
      report: { target: deviceLabel(device), status: 'auth', issues: [], ms: 0 },
      unreachable: { target: deviceLabel(device), reason: 'its credential was deleted during the run' },
    }));
  const credential = openCredential(deps.secrets, device.credential);
  const settings = readSettings(device.settings);
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

async function skip(deps: DiscoveryWorkDeps, device: Pick<DeviceRow, 'id'>, reason: string): Promise<void> {
  await deps.db.prisma.discoveryDevice.updateMany({
    where: { id: device.id, state: { in: ['queued', 'polling'] } },
    data: { state: 'skipped', reason, executor: null, finishedAt: new Date() },
  });
}

/**
 * Stores a device's outcome once (only while it is still this worker's, or unclaimed), and moves the run
 * on. The outcome goes as JSON text in one statement that also counts the device and shows the progress:
 * Prisma walks a JSON value it is given field by field (with a dozen Prisma statements a device, Prisma
 * took a third of a worker's busy time).
 */
async function finish(deps: DiscoveryWorkDeps, device: StoredDevice, polled: PolledTarget): Promise<void> {
  const { engine } = deps;
  const { id: executor } = deps.executor;
  await deps.db.prisma.$transaction(async (tx) => {
    // Locks the run's row: of two devices finishing at once, the second sees the first one done. The
    // run's progress is rewritten for every hundredth of its devices (and the last): it is what the
    // run view shows; the count itself is `done`.
    const stored = await tx.$queryRaw<{ done: number }[]>`
      WITH stored AS (
        UPDATE discovery_devices
           SET state = 'done', executor = NULL, report = ${JSON.stringify(polled.report)}::jsonb,
               facts = COALESCE(${polled.facts ? JSON.stringify(polled.facts) : null}::jsonb, facts),
               reason = ${polled.unreachable?.reason ?? null}, finished_at = ${new Date()}
         WHERE id = ${device.id}
           AND ((state = 'polling' AND executor = ${executor}) OR state IN ('pending', 'queued'))
        RETURNING run_id),
      counted AS (
        UPDATE discovery_runs r SET done = r.done + 1 FROM stored WHERE r.run_id = stored.run_id
        RETURNING r.run_id, r.done, r.total),
      shown AS (
        UPDATE task_runs t
           SET progress = jsonb_build_object('phase', 'poll', 'done', counted.done, 'total', counted.total,
                                             'target', ${polled.report.target}::text)
          FROM counted
         WHERE t.id = counted.run_id AND t.state = 'running'
           AND (counted.done >= counted.total OR counted.done % GREATEST(counted.total / 100, 1) = 0))
      SELECT done FROM counted`;
    if (!stored.length) return; // handed back meanwhile: whoever polls it now stores it
    // A device released now is pending in this same round (a later round's devices exist only once this
    // one is over): the round is not over.
    if (!(await releaseDevices(tx, engine, device.runId)))
      await sendRoundIfFinished(tx, engine, device.runId, device.round);
  });
  engine.wake(DEVICE_QUEUE);
  engine.wake(ROUND_QUEUE);
}

/** A stored device's facts and report, read back checked. */
export const storedFacts = (v: Prisma.JsonValue) => readJson(DeviceFactsSchema, v, 'discovery_devices.facts');
export const storedReport = (v: Prisma.JsonValue) =>
  readJson(TargetReportSchema, v, 'discovery_devices.report');
