// Starts per-hop localisation when a cell alert fires for a degraded or lost cell: the cell's expected
// path on the newest snapshot, the hops a stored target with a credential reaches, polled by the
// LocalisationPoller until the alert stops firing. When nothing can be polled the incident says why.
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
  const targets = await pollableTargets(d.db, d.secrets);
  const plan = planHops(found.path, found.targetsOf, new Set(targets.keys()), d.maxDevices, found.listensOn);
  if (!plan.hops.length) return undecided(`no hop on the path can be polled (${plan.skipped.join('; ')})`);
  d.poller.watch({
    alertId: alert.id,
    receiver,
    hops: plan.hops.map((h) => {
      const target = targets.get(h.target)!;
      const redact = new Redactor(credentialSecrets(target.credential));
      return {
        device: h.device,
        ...(h.inInterface && { inInterface: h.inInterface }),
        ...(h.outInterface && { outInterface: h.outInterface }),
        // A device can make the poller's error texts quote the credential it was sent.
        read: () =>
          pollHopCounters(target, READ, h).catch((err: unknown) => {
            throw redact.error(err);
          }),
      };
    }),
  });
}
