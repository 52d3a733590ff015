// The server's side of remote polling (agents that poll their site's targets): an agent of a site leases
// the oldest waiting device of that site — the lease carries the device's credential in clear, opened here
// for that answer only and never stored — and uploads what it collected, which the waiting worker
// (discovery/jobs/remote-device.ts) then stores as its own poll's.
import type { RemotePoll, RemotePollResult } from '@netspotter/shared/agent-protocol';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import type { PolledTarget, TargetReport } from '@netspotter/shared/snmp/poll-target';
import { Type } from 'typebox';
import type { Database } from '../db/connect.ts';
import type { Agent, Prisma } from '../db/generated/client.ts';
import { readJson, toJson } from '../db/json-column.ts';
import { DomainError } from '../domain-errors.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { openCredential } from '../services/credentials.ts';
import { pollSettings } from '../discovery/discover.ts';
import { readSettings } from '../discovery/jobs/queues.ts';
import { Wakeups } from './wakeups.ts';
import { longPollEnd } from './long-poll-end.ts';

/** Keys: `site:<name>` (a device of the site waits), `poll:<device id>` (its poll was leased or answered). */
export const remoteWakeups = new Wakeups();

const RECHECK_MS = 1000;
/** Beyond the device's own budget: the agent's upload, a slow link. */
const DEADLINE_SLACK_MS = 30_000;

/** Leases the oldest waiting device of the agent's site, waiting up to `waitMs` for one. */
export async function leaseRemotePoll(
  db: Database,
  secrets: SecretBox,
  agent: Agent,
  waitMs: number,
  signal: AbortSignal,
): Promise<RemotePoll | null> {
  const { prisma } = db;
  const site = agent.site;
  if (!site) return null; // not a poller: the heartbeat tells it so
  const end = longPollEnd(waitMs);
  for (;;) {
    if (signal.aborted) return null; // the poller hung up: no lookup for nobody
    const waiting = await prisma.remotePoll.findFirst({
      where: { site, state: 'waiting' },
      orderBy: { createdAt: 'asc' },
      select: { id: true },
    });
    if (waiting) {
      const lease = await claim(db, secrets, agent, waiting.id);
      if (lease) return lease;
      continue;
    }
    const left = end - Date.now();
    if (left <= 0) return null;
    await remoteWakeups.wait(`site:${site}`, Math.min(left, RECHECK_MS), signal);
  }
}

async function claim(db: Database, secrets: SecretBox, agent: Agent, id: string): Promise<RemotePoll | null> {
  const { prisma } = db;
  const device = await prisma.discoveryDevice.findUnique({
    where: { id },
    include: { credential: true, run: { select: { settings: true } } },
  });
  if (device?.state !== 'polling') {
    // Left behind by a worker that stopped, and its device ended since: no credential goes out for it.
    await prisma.remotePoll.deleteMany({ where: { id, state: 'waiting' } });
    return null;
  }
  const settings = pollSettings(readSettings(device.run.settings).poll);
  const deadline = new Date(Date.now() + settings.deviceBudgetMs + DEADLINE_SLACK_MS);
  const claimed = await prisma.remotePoll.updateMany({
    where: { id, state: 'waiting' },
    data: { state: 'leased', agentId: agent.id, agentName: agent.name, leasedAt: new Date(), deadline },
  });
  if (!claimed.count) return null; // another poller was quicker
  remoteWakeups.notify(`poll:${id}`);
  // Its credential deleted meanwhile: the worker reports the device when the deadline passes.
  if (!device.credential) return null;
  return {
    id,
    target: {
      address: device.address,
      port: device.port,
      ...(device.name && { name: device.name }),
      credential: openCredential(secrets, device.credential),
    },
    settings,
    deadline: deadline.getTime(),
  };
}

/** Stores a poller's upload for the waiting worker; only the agent holding the lease, before its deadline. */
export async function storeRemotePoll(
  db: Database,
  agent: Agent,
  id: string,
  result: RemotePollResult,
): Promise<void> {
  const { count } = await db.prisma.remotePoll.updateMany({
    where: { id, agentId: agent.id, state: 'leased', deadline: { gt: new Date() } },
    data: { state: 'done', result: toJson(result) },
  });
  if (!count)
    throw new DomainError(
      'not_found',
      'no such poll leased to this agent (it ended, or its deadline passed)',
    );
  remoteWakeups.notify(`poll:${id}`);
}

const StoredResultSchema = Type.Unsafe<{
  report: TargetReport;
  facts?: DeviceFacts;
  unreachable?: PolledTarget['unreachable'];
}>(Type.Object({ report: Type.Object({ target: Type.String() }) }));

/** A stored upload, read back as the poll's outcome. */
export const readPolledTarget = (v: Prisma.JsonValue): PolledTarget =>
  readJson(StoredResultSchema, v, 'remote_polls.result');
