// The start of a discovery run on the job engine: the task's targets become the run's devices (round 0),
// stored with the run's settings, and the first of them get their jobs. Workers take it from there.
import { expandRange, parseAddressOrRange } from '@netspotter/shared';
import { nameRepeatedTargets, targetLabel } from '@netspotter/shared/snmp/target';
import { batches } from '../../db/batches.ts';
import { mayUseCredential } from '../../services/credentials.ts';
import type { Actor } from '../../services/audit.ts';
import type { RunContext } from '../../tasks/kind.ts';
import { DEVICE_QUEUE, ROUND_QUEUE, settingsJson, type RunSettings } from './queues.ts';
import { releaseDevices, sendRoundIfFinished } from './window.ts';

export interface DiscoveryArgs {
  targetIds?: string[];
  follow?: { depth: number; allow: string[] };
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  deviceBudgetMs?: number;
  pollerWaitMs?: number;
}

/** Who the run acts for: the task's author (a task made on the server's command line acts as admin). */
async function taskAuthor(ctx: RunContext): Promise<Actor> {
  const run = await ctx.db.prisma.taskRun.findUnique({ where: { id: ctx.runId }, include: { task: true } });
  const username = run?.task.createdBy;
  if (!username) return { username: 'system' };
  const user = await ctx.db.prisma.user.findUnique({ where: { username } });
  // A deleted author vouches for nobody's credentials.
  return user ? { id: user.id, username, role: user.role } : { username, role: 'viewer' };
}

export async function startDiscoveryRun(ctx: RunContext, args: DiscoveryArgs): Promise<void> {
  const { prisma } = ctx.db;
  for (const bad of args.follow?.allow ?? []) parseAddressOrRange(bad); // checked before polling
  const rows = await prisma.target.findMany({
    where: args.targetIds ? { id: { in: args.targetIds } } : {},
    include: { credential: true },
    orderBy: { address: 'asc' },
  });
  // Polled devices first, in target order; targets without a credential are reported, not polled.
  const devices: {
    key: string;
    address: string;
    port: number;
    credentialId: string | null;
    targetId: string;
    site: string | null;
    name?: string;
    reason?: string;
  }[] = [];
  const skipped: typeof devices = [];
  const keys = new Set<string>();
  for (const row of rows) {
    if (!row.credential) {
      skipped.push({
        key: `${row.address}|none|${skipped.length}`,
        address: row.address,
        port: row.port,
        credentialId: null,
        targetId: row.id,
        site: row.site,
        reason: 'no credential: give the target one to poll it',
      });
      continue;
    }
    for (const address of expandRange(parseAddressOrRange(row.address))) {
      // One device is polled once per run with one secret.
      const key = `${targetLabel({ address, port: row.port })}|${row.credential.fingerprint}`;
      if (keys.has(key)) continue;
      keys.add(key);
      devices.push({
        key,
        address,
        port: row.port,
        credentialId: row.credential.id,
        targetId: row.id,
        site: row.site,
      });
    }
  }
  // One address and port polled with several credentials: `ADDRESS #N` in the report, never the secret.
  nameRepeatedTargets(devices);
  // Following neighbours sends credentials to addresses the devices name: only those the task's author
  // may point at new addresses (their own; any for an admin) go along.
  const author = await taskAuthor(ctx);
  const follow = new Map<string, string>();
  for (const r of rows)
    if (r.credential && mayUseCredential(author, r.credential) && !follow.has(r.credential.fingerprint))
      follow.set(r.credential.fingerprint, r.credential.id);
  const settings: RunSettings = {
    poll: {
      timeoutMs: args.timeoutMs ?? 2000,
      retries: args.retries ?? 1,
      deviceBudgetMs: args.deviceBudgetMs ?? 300_000,
    },
    pollerWaitMs: args.pollerWaitMs ?? 120_000,
    ...(args.follow && { follow: { depth: args.follow.depth, allow: args.follow.allow } }),
  };
  const all = [...devices, ...skipped];
  await prisma.$transaction(async (tx) => {
    await tx.discoveryRun.create({
      data: {
        runId: ctx.runId,
        settings: settingsJson(settings),
        concurrency: args.concurrency ?? 64,
        followCredentialIds: [...follow.values()],
        total: devices.length,
      },
    });
    let position = 0;
    for (const batch of batches(all))
      await tx.discoveryDevice.createMany({
        data: batch.map((d) => ({
          runId: ctx.runId,
          round: 0,
          position: position++,
          key: d.key,
          address: d.address,
          port: d.port,
          credentialId: d.credentialId,
          targetId: d.targetId,
          site: d.site,
          ...(d.name && { name: d.name }),
          ...(d.reason && { state: 'skipped' as const, reason: d.reason, finishedAt: new Date() }),
        })),
      });
    await releaseDevices(tx, ctx.engine, ctx.runId);
    // Nothing to poll: the round is over already.
    await sendRoundIfFinished(tx, ctx.engine, ctx.runId, 0);
  });
  ctx.engine.wake(DEVICE_QUEUE);
  ctx.engine.wake(ROUND_QUEUE);
  await ctx.progress({ phase: 'poll', done: 0, total: devices.length });
}
