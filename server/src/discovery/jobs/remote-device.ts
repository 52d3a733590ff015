// A device whose target has a site is polled by an agent of that site (a remote poller), not by the worker
// that took its job: the worker posts it in remote_polls and waits for a poller to lease it and upload what
// it collected, then stores that exactly as its own poll's. Nobody of the site leases it within the run's
// poller wait → the device is reported unreachable with that reason; a poller that leased it but uploads
// nothing by its deadline → likewise. Progress names the site while the device waits.
import type { PolledTarget } from '@netspotter/shared/snmp/poll-target';
import { Prisma } from '../../db/generated/client.ts';
import { toJson } from '../../db/json-column.ts';
import type { Database } from '../../db/connect.ts';
import { readPolledTarget, remoteWakeups } from '../../agents/remote-polls.ts';

/** Rechecks of the row when no wakeup comes (a poller answering another replica). */
const RECHECK_MS = 1000;

export interface RemoteOutcome {
  polled: PolledTarget;
  /** The agent's name, or null when no poller took it. */
  poller: string | null;
}

export async function awaitRemotePoll(
  db: Database,
  device: { id: string; runId: string; site: string; label: string },
  pollerWaitMs: number,
  signal: AbortSignal,
): Promise<RemoteOutcome> {
  const { prisma } = db;
  const fresh = { state: 'waiting' as const, agentId: null, agentName: null, leasedAt: null, deadline: null };
  // A retried job starts its device afresh: an earlier attempt's lease is void.
  await prisma.remotePoll.upsert({
    where: { id: device.id },
    create: { id: device.id, site: device.site, ...fresh },
    update: { site: device.site, result: Prisma.DbNull, ...fresh },
  });
  remoteWakeups.notify(`site:${device.site}`);
  const until = Date.now() + pollerWaitMs;
  let reported = false;
  const fail = (reason: string): RemoteOutcome => ({
    polled: {
      report: { target: device.label, status: 'network', issues: [], ms: 0 },
      unreachable: { target: device.label, reason },
    },
    poller: null,
  });
  try {
    for (;;) {
      signal.throwIfAborted();
      const row = await prisma.remotePoll.findUnique({ where: { id: device.id } });
      if (!row) return fail('its remote poll was removed');
      const now = Date.now();
      if (row.state === 'done' && row.result !== null)
        return { polled: readPolledTarget(row.result), poller: row.agentName };
      if (row.state === 'waiting' && now >= until)
        return fail(
          `no poller of site "${device.site}" took it within ${Math.round(pollerWaitMs / 1000)} s (no agent of that site online)`,
        );
      if (row.state === 'leased' && row.deadline && now >= row.deadline.getTime())
        return fail(`poller ${row.agentName ?? '?'} of site "${device.site}" sent no result in time`);
      if (row.state === 'waiting' && !reported) {
        reported = true;
        const run = await prisma.discoveryRun.findUnique({
          where: { runId: device.runId },
          select: { done: true, total: true },
        });
        await prisma.taskRun.updateMany({
          where: { id: device.runId, state: 'running' },
          data: {
            progress: toJson({
              phase: 'poll',
              done: run?.done ?? 0,
              total: run?.total ?? 0,
              target: device.label,
              waiting: `for a poller of site "${device.site}"`,
            }),
          },
        });
      }
      await remoteWakeups.wait(`poll:${device.id}`, RECHECK_MS, signal);
    }
  } finally {
    await prisma.remotePoll.deleteMany({ where: { id: device.id } });
  }
}
