// After a restart the poller's watches (kept in memory) are gone: localisation starts again for the cell
// alerts still firing, from the newest event that raised each (its receiver, state and flow are stored
// with the event).
import type { Flow } from '@netspotter/shared/api';
import { startLocalisation, type LocalisationStartDeps } from './localisation-start.ts';

/** Starts localisation again for every firing cell alert with an incident; resolves to how many. */
export async function resumeLocalisation(d: LocalisationStartDeps): Promise<number> {
  const firing = await d.db.prisma.alert.findMany({
    where: { state: 'firing', kind: 'cell-state', incident: { isNot: null } },
    select: { id: true, subject: true },
  });
  let resumed = 0;
  for (const a of firing) {
    const raised = await d.db.prisma.event.findFirst({
      where: { kind: 'cell-state', subject: a.subject, condition: 'raised' },
      orderBy: { at: 'desc' },
    });
    const details = raised?.details as { state?: string; flow?: Flow } | null | undefined;
    if (!raised || !details?.flow) continue;
    await startLocalisation(d, a, {
      at: raised.at.getTime(),
      kind: 'cell-state',
      subject: raised.subject,
      condition: 'raised',
      monitorId: raised.monitorId,
      groupId: raised.groupId,
      agentId: raised.agentId,
      ...(details.state && { state: details.state }),
      flow: details.flow,
      summary: raised.summary,
    });
    resumed++;
  }
  return resumed;
}
