// Starts per-hop localisation when a cell alert fires for a degraded or lost cell: the expected paths on
// the newest snapshot toward the cell's receiver and the other receivers of its group in the monitor (so
// that where the paths branch, the branch that stopped is told from those still forwarding), the devices
// a stored target with a credential reaches, polled by the LocalisationPoller until the alert stops
// firing. When nothing can be polled the incident says why.
import type { Alert } from '@netspotter/shared/api';
import { pollHopCounters } from '@netspotter/shared/snmp/hop-counters';
import { credentialSecrets, Redactor } from '@netspotter/shared/snmp/redact';
import { targetLabel, type Target } from '@netspotter/shared/snmp/target';
import type { Database } from '../db/connect.ts';
import { toJson } from '../db/json-column.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { openCredential } from '../services/credentials.ts';
import { planHops } from './localisation-plan.ts';
import type { LocalisationPoller } from './localisation-poller.ts';
import type { BookEvent } from './rule-book.ts';
import type { EventWatchers } from './watchers.ts';

/** SNMP timing of one counter read: short, since a poll repeats every period anyway. */
const READ = { timeoutMs: 2000, retries: 1 };
/** Other receivers whose paths are followed beside the alert's own: enough for the branches of a site. */
const SIBLINGS_MAX = 16;

export interface LocalisationStartDeps {
  db: Database;
  secrets: SecretBox;
  watchers: Pick<EventWatchers, 'expectedPathOf' | 'refreshSnapshot'>;
  poller: LocalisationPoller;
  maxDevices: number;
}

/** Stored targets with a credential, by `address[:port]` (the first credential when several). */
async function pollableTargets(db: Database, secrets: SecretBox): Promise<Map<string, Target>> {
  const rows = await db.prisma.target.findMany({
    where: { credentialId: { not: null } },
    include: { credential: true },
    orderBy: { createdAt: 'asc' },
  });
  const out = new Map<string, Target>();
  for (const r of rows) {
    const label = targetLabel({ address: r.address, port: r.port });
    if (r.credential && !out.has(label))
      out.set(label, { address: r.address, port: r.port, credential: openCredential(secrets, r.credential) });
  }
  return out;
}

export async function startLocalisation(
  d: LocalisationStartDeps,
  alert: Pick<Alert, 'id'>,
  e: BookEvent,
): Promise<void> {
  if (e.kind !== 'cell-state' || (e.state !== 'lost' && e.state !== 'degraded')) return;
  const receiver = e.agentId ?? e.subject;
  const undecided = async (reason: string) => {
    await d.db.prisma.incident.updateMany({
      where: { alertId: alert.id },
      data: {
        localisation: toJson({
          at: new Date().toISOString(),
          suspects: [],
          undecided: [{ receiver, reason }],
        }),
      },
    });
  };
  await d.watchers.refreshSnapshot();
  const found = await d.watchers.expectedPathOf(e);
  if (!found) return undecided('the receiver is not placed on the newest snapshot');
  if (!found.path.reaches)
    return undecided(found.path.reason ?? 'the expected path does not reach the receiver');
  const paths = [{ receiver, path: found.path }];
  for (const agentId of await siblingsOf(d.db, e)) {
    const other = await d.watchers.expectedPathOf({ ...e, agentId });
    if (other?.path.reaches) paths.push({ receiver: agentId, path: other.path });
  }
  const targets = await pollableTargets(d.db, d.secrets);
  const plan = planHops(paths, found.targetsOf, new Set(targets.keys()), d.maxDevices, found.listensOn);
  if (!plan.paths[0]!.hops.length)
    return undecided(`no hop on the path can be polled (${plan.skipped.join('; ')})`);
  d.poller.watch({
    alertId: alert.id,
    reads: plan.devices.map((h) => {
      const target = targets.get(h.target)!;
      const redact = new Redactor(credentialSecrets(target.credential));
      const { inIfIndex, route } = h;
      const ports = h.ports.map((p) => ({
        ...(inIfIndex !== undefined && { inIfIndex }),
        ...(route && { route }),
        ...p,
      }));
      return {
        device: h.device,
        // A device can make the poller's error texts quote the credential it was sent.
        read: () =>
          pollHopCounters(target, READ, ports).catch((err: unknown) => {
            throw redact.error(err);
          }),
      };
    }),
    paths: plan.paths.map((p) => ({
      receiver: p.receiver,
      hops: p.hops.map(({ device, port }) => {
        const h = plan.devices[device]!;
        const out = h.ports[port]!.outInterface;
        return {
          device: h.device,
          read: device,
          port,
          ...(h.inInterface && { inInterface: h.inInterface }),
          ...(out && { outInterface: out }),
        };
      }),
    })),
  });
}

/** The monitor's other receivers of the event's group (agent ids), the alert's own left out. */
async function siblingsOf(db: Database, e: BookEvent): Promise<string[]> {
  if (!e.monitorId || !e.groupId) return [];
  const cells = await db.prisma.monitorCell.findMany({
    where: { monitorId: e.monitorId, groupId: e.groupId, receiverId: { not: e.agentId ?? '' } },
    select: { receiverId: true },
    distinct: ['receiverId'],
    orderBy: { receiverId: 'asc' },
    take: SIBLINGS_MAX,
  });
  return cells.map((c) => c.receiverId);
}
