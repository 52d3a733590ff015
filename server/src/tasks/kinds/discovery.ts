// SNMP discovery as a task kind: polls the stored targets, builds the topology, stores a snapshot.
import { Type } from 'typebox';
import { expandRange, parseAddressOrRange } from '@netspotter/shared';
import { defineKind } from '../kind.ts';
import { discover, type DiscoveryProgress } from '../../discovery/discover.ts';
import type { Target } from '@netspotter/shared/snmp/target';
import type { Actor } from '../../services/audit.ts';
import { mayUseCredential, openCredential } from '../../services/credentials.ts';
import type { RunContext } from '../kind.ts';

/** Who the run acts for: the task's author (a task made on the server's command line acts as admin). */
async function taskAuthor(ctx: RunContext): Promise<Actor> {
  const run = await ctx.db.prisma.taskRun.findUnique({ where: { id: ctx.runId }, include: { task: true } });
  const username = run?.task.createdBy;
  if (!username) return { username: 'system' };
  const user = await ctx.db.prisma.user.findUnique({ where: { username } });
  // A deleted author vouches for nobody's credentials.
  return user ? { id: user.id, username, role: user.role } : { username, role: 'viewer' };
}
import { saveSnapshot, summarise } from '../../snapshots/store.ts';

const PROGRESS_EVERY_MS = 500;

export const discoveryArgs = Type.Object(
  {
    targetIds: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), {
        maxItems: 100_000,
        description: 'targets to poll (default: all)',
      }),
    ),
    follow: Type.Optional(
      Type.Object(
        {
          depth: Type.Integer({ minimum: 0, maximum: 8 }),
          allow: Type.Array(Type.String({ maxLength: 64 }), {
            minItems: 1,
            maxItems: 256,
            description: 'CIDR ranges neighbours must be in',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024, default: 64 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000, default: 2000 })),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5, default: 1 })),
    deviceBudgetMs: Type.Optional(
      Type.Integer({
        minimum: 1000,
        maximum: 86_400_000,
        default: 300_000,
        description:
          'wall-clock time one device may take; later tables are skipped and the device reported partial',
      }),
    ),
  },
  { additionalProperties: false },
);

export const discoveryKind = defineKind({
  kind: 'discovery',
  description: 'Polls targets over SNMP, builds the L2/L3/multicast topology and stores it as a snapshot.',
  argsSchema: discoveryArgs,
  async run(ctx, args) {
    const rows = await ctx.db.prisma.target.findMany({
      where: args.targetIds ? { id: { in: args.targetIds } } : {},
      include: { credential: true },
      orderBy: { address: 'asc' },
    });
    const targets: Target[] = [];
    const noCredential: { target: string; reason: string }[] = [];
    for (const row of rows) {
      if (!row.credential) {
        noCredential.push({ target: row.address, reason: 'no credential: give the target one to poll it' });
        continue;
      }
      const credential = openCredential(ctx.secrets, row.credential);
      for (const address of expandRange(parseAddressOrRange(row.address))) {
        targets.push({ address, port: row.port, credential });
      }
    }
    for (const bad of args.follow?.allow ?? []) parseAddressOrRange(bad); // checked before polling
    let last = 0;
    const onProgress = (p: DiscoveryProgress) => {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS && p.done < p.total) return;
      last = now;
      ctx.progress({ ...p }).catch(() => undefined); // cancellation is seen through ctx.signal
    };
    // Following neighbours sends credentials to addresses the devices name: only those the task's author
    // may point at new addresses (their own; any for an admin) go along.
    const author = await taskAuthor(ctx);
    const credentials = [
      ...new Map(
        rows
          .filter((r) => r.credential && mayUseCredential(author, r.credential))
          .map((r) => openCredential(ctx.secrets, r.credential!))
          .map((c) => [JSON.stringify(c), c]),
      ).values(),
    ];
    const result = await discover(
      {
        targets,
        concurrency: args.concurrency,
        timeoutMs: args.timeoutMs,
        retries: args.retries,
        deviceBudgetMs: args.deviceBudgetMs,
        includeFacts: true,
        ...(args.follow && { follow: { depth: args.follow.depth, ranges: args.follow.allow, credentials } }),
        signal: ctx.signal,
      },
      onProgress,
    );
    result.unreachable.push(...noCredential);
    const snapshotId = await saveSnapshot(ctx.db, ctx.runId, result);
    const summary = summarise(result);
    await ctx.progress({ phase: 'done', done: targets.length, total: targets.length });
    return {
      ok: true,
      message: `${summary.devices} devices, ${summary.l2Links} L2 and ${summary.l3Links} L3 links, ${summary.unreachable} unreachable`,
      result: {
        snapshotId,
        ...summary,
        unreachable: result.unreachable,
        report: result.report.map((r) => ({ target: r.target, status: r.status, issues: r.issues })),
      } as never,
    };
  },
});
