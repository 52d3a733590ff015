// Expected receivers not served, as conditions (pure): a receiver the expected-vs-actual comparison of
// its flow names as expected but getting no beacons raises `receiver-not-served`; once the comparison no
// longer names it (served again, or no longer expected), the condition clears.
import type { Flow, TreeDifference } from '@netspotter/shared/api';
import { isServed, type ReceiverNow } from '../multicast/tree-diff.ts';
import { flowLabel } from '../multicast/expected-path.ts';
import type { NewEvent } from './engine.ts';

/** The condition's subject: one receiver of one flow. */
export const servedSubject = (flow: Flow, agentId: string) =>
  `served:${flow.source ?? '*'}|${flow.group}|${agentId}`;

/**
 * Events for one flow's comparison; `raised` holds the subjects raised before (for this flow) and is
 * updated in place.
 */
export function notServedEvents(
  flow: Flow,
  receivers: readonly ReceiverNow[],
  differences: readonly TreeDifference[],
  raised: Set<string>,
  at: number,
): NewEvent[] {
  const byName = new Map(receivers.map((r) => [r.name, r]));
  const now = new Map<string, { r: ReceiverNow; d: TreeDifference }>();
  for (const d of differences) {
    const r = d.kind === 'expected-not-served' && d.receiver ? byName.get(d.receiver) : undefined;
    if (r) now.set(servedSubject(flow, r.agentId), { r, d });
  }
  const events: NewEvent[] = [];
  for (const [subject, { r, d }] of now) {
    if (raised.has(subject)) continue;
    raised.add(subject);
    events.push({
      at,
      kind: 'receiver-not-served',
      subject,
      condition: 'raised',
      agentId: r.agentId,
      ...(d.device && { deviceId: d.device }),
      flow,
      summary: d.message,
      details: { receiver: r.name, state: r.state, ...(d.ifName && { port: d.ifName }) },
    });
  }
  for (const subject of [...raised]) {
    if (now.has(subject) || !subject.startsWith(servedSubject(flow, ''))) continue;
    raised.delete(subject);
    const r = receivers.find((x) => servedSubject(flow, x.agentId) === subject);
    events.push({
      at,
      kind: 'receiver-not-served',
      subject,
      condition: 'cleared',
      ...(r && { agentId: r.agentId }),
      flow,
      summary: `${r?.name ?? subject.split('|').at(-1)} ${r && isServed(r.state) ? 'is served again' : 'is no longer expected to be served'}: ${flowLabel(flow)}`,
    });
  }
  return events;
}
