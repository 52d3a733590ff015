// The end of a discovery round, as one worker takes its job: while the run follows neighbours and has
// depth left, the next round's devices (neighbours named by the devices just reached) go out; after the
// last round, the run's result is assembled once from every stored device, in poll order, redacted, saved
// as the run's snapshot, and the run finished. A worker lost mid-assembly has its job retried elsewhere
// (the snapshot is keyed by run: a retry that finds it saved only finishes the run).
import { credentialSecrets, Redactor } from '@netspotter/shared/snmp/redact';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { batches } from '../../db/batches.ts';
import { Prisma } from '../../db/generated/client.ts';
import { toJson } from '../../db/json-column.ts';
import type { JobKind } from '../../jobs/worker.ts';
import { openCredential } from '../../services/credentials.ts';
import { saveSnapshot, summarise } from '../../snapshots/store.ts';
import { recordTargetOutcomes } from '../../services/target-outcomes.ts';
import { assemble, nextRoundBySite, redactResult } from '../discover.ts';
import type { DiscoveryResult, TargetReport } from '../result.ts';
import { deviceLabel, storedFacts, storedReport, type DiscoveryWorkDeps } from './device.ts';
import { DEVICE_QUEUE, ROUND_QUEUE, readSettings, type RoundJob } from './queues.ts';
import { releaseDevices, sendRoundIfFinished } from './window.ts';

export function roundJobKind(deps: DiscoveryWorkDeps): JobKind<RoundJob> {
  const { prisma } = deps.db;
  return {
    queue: ROUND_QUEUE,
    // Building 10,000 devices' topology and storing the snapshot takes a while.
    options: { retryLimit: 3, retryDelay: 2, expireInSeconds: 1800 },
    concurrency: 1,
    handle: (job) => endRound(deps, job.data, job.id),
    runOf: (d) => d.runId,
    gaveUp: async (d, reason) => {
      await prisma.taskRun.updateMany({
        where: { id: d.runId, state: 'running' },
        data: {
          state: 'failed',
          finishedAt: new Date(),
          message: `could not finish the discovery: ${reason}`,
        },
      });
    },
  };
}

async function endRound(deps: DiscoveryWorkDeps, { runId, round }: RoundJob, jobId: string): Promise<void> {
  const { prisma } = deps.db;
  const run = await prisma.discoveryRun.findUnique({ where: { runId }, include: { run: true } });
  // Gone, ended, or this round was handled already (a retried job).
  if (!run || run.run.state !== 'running' || run.round !== round) return;
  const settings = readSettings(run.settings);
  if (settings.follow && round < settings.follow.depth)
    return followNext(deps, runId, round, settings.follow.allow);
  // A worker lost from here on: the runner's sweep fails this job back for another worker to retry.
  await prisma.taskRun.updateMany({
    where: { id: runId, state: 'running' },
    data: { executor: deps.executor.id, jobQueue: ROUND_QUEUE, jobId },
  });
  await assembleRun(deps, runId, run.startedAt);
}

async function followNext(
  deps: DiscoveryWorkDeps,
  runId: string,
  round: number,
  allow: string[],
): Promise<void> {
  const { prisma } = deps.db;
  const [polled, targets, run] = await Promise.all([
    prisma.discoveryDevice.findMany({
      where: { runId, state: 'done', NOT: { facts: { equals: Prisma.DbNull } } },
      orderBy: [{ round: 'asc' }, { position: 'asc' }],
      select: { round: true, facts: true, site: true },
    }),
    prisma.discoveryDevice.findMany({ where: { runId, round: 0 }, select: { address: true } }),
    prisma.discoveryRun.findUniqueOrThrow({ where: { runId }, select: { followCredentialIds: true } }),
  ]);
  const all: DeviceFacts[] = [];
  const reached: { facts: DeviceFacts; site: string | null }[] = [];
  for (const p of polled) {
    const f = storedFacts(p.facts);
    all.push(f);
    if (p.round === round) reached.push({ facts: f, site: p.site });
  }
  const credentials = await prisma.credential.findMany({
    where: { id: { in: run.followCredentialIds } },
    select: { id: true, fingerprint: true },
  });
  const next = nextRoundBySite(
    all,
    reached,
    targets.map((t) => t.address),
    allow,
    credentials,
  );
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.discoveryRun.updateMany({
      where: { runId, round },
      data: { round: round + 1 },
    });
    if (!count) return; // another worker moved the run on
    let position = 0;
    let added = 0;
    for (const batch of batches(next))
      added += (
        await tx.discoveryDevice.createMany({
          data: batch.map(({ address, credential, site }) => ({
            runId,
            round: round + 1,
            position: position++,
            key: `${address}|${credential.fingerprint}`,
            address,
            port: 161,
            credentialId: credential.id,
            site,
          })),
          skipDuplicates: true,
        })
      ).count;
    await tx.discoveryRun.update({ where: { runId }, data: { total: { increment: added } } });
    await releaseDevices(tx, deps.engine, runId);
    // Nobody new to poll: this next round is over at once.
    await sendRoundIfFinished(tx, deps.engine, runId, round + 1);
  });
  deps.engine.wake(DEVICE_QUEUE);
  deps.engine.wake(ROUND_QUEUE);
}

const parse = (text: string | null) => (text === null ? null : (JSON.parse(text) as Prisma.JsonValue));

/** A stored device as the assembly reads it: its documents as JSON text. */
interface AssembledDevice {
  round: number;
  state: string;
  address: string;
  port: number;
  name: string | null;
  targetId: string | null;
  reason: string | null;
  credentialId: string | null;
  facts: string | null;
  report: string | null;
}

async function assembleRun(deps: DiscoveryWorkDeps, runId: string, startedAt: Date): Promise<void> {
  const { prisma } = deps.db;
  // Raw SQL with the documents as text, parsed here: Prisma walks every value of a JSON column it returns,
  // a second pass over all of the run's facts after the driver's parse.
  const devices = await prisma.$queryRaw<AssembledDevice[]>`
    SELECT round, state::text AS state, address, port, name, target_id AS "targetId", reason,
           credential_id AS "credentialId", facts::text AS facts, report::text AS report
      FROM discovery_devices WHERE run_id = ${runId} ORDER BY round, position`;
  const facts: DeviceFacts[] = [];
  const report: TargetReport[] = [];
  const unreachable: DiscoveryResult['unreachable'] = [];
  const skipped: DiscoveryResult['unreachable'] = [];
  const credentialIds = [...new Set(devices.flatMap((d) => (d.credentialId ? [d.credentialId] : [])))];
  const secrets = (await prisma.credential.findMany({ where: { id: { in: credentialIds } } })).map((c) =>
    credentialSecrets(openCredential(deps.secrets, c)),
  );
  for (const d of devices) {
    if (d.state === 'skipped') {
      if (d.round === 0) skipped.push({ target: d.address, reason: d.reason ?? 'not polled' });
      continue;
    }
    if (d.facts !== null) facts.push(storedFacts(parse(d.facts)));
    // Follow-up candidates that never answer stay in the report but not in `unreachable` (the user's targets).
    else if (d.round === 0 && d.reason !== null)
      unreachable.push({ target: storedReport(parse(d.report)).target, reason: d.reason });
    if (d.report !== null) report.push(storedReport(parse(d.report)));
  }
  await prisma.taskRun.updateMany({
    where: { id: runId, state: 'running' },
    data: { progress: toJson({ phase: 'build', done: report.length, total: report.length }) },
  });
  const redact = new Redactor(secrets.flat());
  const result = redactResult(
    assemble(startedAt.toISOString(), facts, report, [...unreachable, ...skipped], true),
    redact,
  );
  const existing = await prisma.snapshot.findUnique({ where: { runId }, select: { id: true } });
  const snapshotId = existing?.id ?? (await saveSnapshot(deps.db, runId, result));
  if (!existing) {
    // What each stored target came to, written onto its row for the targets table.
    const own = devices.filter((d) => d.round === 0 && d.targetId !== null);
    await recordTargetOutcomes(
      deps.db,
      new Date(result.finishedAt),
      own.filter((d) => d.state !== 'skipped').map((d) => ({ targetId: d.targetId!, label: deviceLabel(d) })),
      own.filter((d) => d.state === 'skipped').map((d) => d.targetId!),
      result,
    );
  }
  const summary = summarise(result);
  await prisma.taskRun.updateMany({
    where: { id: runId, state: 'running' },
    data: {
      state: 'succeeded',
      finishedAt: new Date(),
      executor: null,
      message: `${summary.devices} devices, ${summary.l2Links} L2 and ${summary.l3Links} L3 links, ${summary.unreachable} unreachable`,
      progress: toJson({ phase: 'done', done: report.length, total: report.length }),
      result: toJson({
        snapshotId,
        ...summary,
        unreachable: result.unreachable,
        report: result.report.map((r) => ({
          target: r.target,
          status: r.status,
          issues: r.issues,
          ...(r.poller && { poller: r.poller }),
        })),
      }),
    },
  });
}
