// After a discovery: what it found at each stored target (status, system name, why not), written onto
// the target rows so the targets table shows it without reading the snapshot.
import type { Database } from '../db/connect.ts';
import type { DiscoveryResult } from '../discovery/result.ts';
import { batches } from '../db/batches.ts';

export interface PolledTarget {
  targetId: string;
  /** How the run report names it (address[:port], or `… #N`). */
  label: string;
}

interface Outcome {
  status: string;
  sysName: string | null;
  reason: string | null;
  poller: string | null;
}

/** One target's outcome from its addresses' reports: one status, or counts for a range ("3 ok, 1 timeout"). */
export function summariseOutcome(
  labels: string[],
  result: Pick<DiscoveryResult, 'report' | 'unreachable' | 'devices'>,
): Outcome {
  const reports = labels.map((l) => result.report.find((r) => r.target === l));
  const statuses = reports.map((r) => r?.status ?? 'not polled');
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  const status =
    counts.size === 1 && labels.length === 1
      ? statuses[0]!
      : [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
  const names = [
    ...new Set(
      reports.flatMap((r) =>
        r?.device ? [result.devices.find((d) => d.id === r.device)?.sysName ?? r.device] : [],
      ),
    ),
  ];
  const reasons = [
    ...new Set(labels.flatMap((l) => result.unreachable.filter((u) => u.target === l).map((u) => u.reason))),
  ];
  const pollers = [...new Set(reports.flatMap((r) => (r?.poller ? [r.poller] : [])))];
  return {
    status,
    poller: pollers.length ? pollers.slice(0, 3).join(', ') + (pollers.length > 3 ? ' …' : '') : null,
    sysName: names.length
      ? names.slice(0, 3).join(', ') + (names.length > 3 ? ` (+${names.length - 3})` : '')
      : null,
    reason: reasons.length ? reasons.slice(0, 2).join('; ') : null,
  };
}

export async function recordTargetOutcomes(
  db: Database,
  at: Date,
  polled: PolledTarget[],
  withoutCredential: string[],
  result: Pick<DiscoveryResult, 'report' | 'unreachable' | 'devices'>,
): Promise<void> {
  const labels = new Map<string, string[]>();
  for (const p of polled) labels.set(p.targetId, [...(labels.get(p.targetId) ?? []), p.label]);
  // Targets with the same outcome are written together: a few statements, not one per target.
  const groups = new Map<string, { outcome: Outcome; ids: string[] }>();
  const add = (id: string, outcome: Outcome) => {
    const key = JSON.stringify(outcome);
    groups.set(key, { outcome, ids: [...(groups.get(key)?.ids ?? []), id] });
  };
  for (const [id, ls] of labels) add(id, summariseOutcome(ls, result));
  for (const id of withoutCredential)
    add(id, {
      status: 'not polled',
      sysName: null,
      reason: 'no credential: give the target one to poll it',
      poller: null,
    });
  for (const { outcome, ids } of groups.values())
    for (const chunk of batches(ids))
      await db.prisma.target.updateMany({
        where: { id: { in: chunk } },
        data: {
          lastPolledAt: at,
          lastStatus: outcome.status,
          lastSysName: outcome.sysName,
          lastReason: outcome.reason,
          lastPoller: outcome.poller,
        },
      });
}
