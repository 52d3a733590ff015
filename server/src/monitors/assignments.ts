// What each agent runs of the monitors (pure): its interface, the groups it beacons into, receives or
// watches, the senders it should hear, and the monitor's key. The revision is a digest of the lot, so an
// unchanged assignment keeps its revision across edits of other agents' parts and server restarts, and
// the agent restarts nothing.
import { createHash } from 'node:crypto';
import type { AssignedGroup, MonitorAssignment, MonitorAssignments } from '@netspotter/shared/agent-protocol';
import type { LoadedMonitor } from './catalog.ts';
import { groupSenders, receives, type Participant } from './definition.ts';

function assignedGroups(m: LoadedMonitor, me: Participant): AssignedGroup[] {
  return m.definition.groups.map((g) => {
    const senders = groupSenders(g, m.participants);
    const receiving = receives(me.role) && g.sourceAgentId !== me.agentId;
    return {
      id: g.id,
      kind: g.kind,
      mode: g.mode,
      group: g.group,
      port: g.port,
      ...(g.sourceAddress && { source: g.sourceAddress }),
      send: senders.some((s) => s.agentId === me.agentId),
      receive: receiving,
      joined: me.joined,
      ...(g.kind === 'beacon' &&
        receiving && {
          senders: senders
            .filter((s) => s.agentId !== me.agentId)
            .map((s) => ({ agentId: s.agentId, name: m.names.get(s.agentId) ?? s.agentId })),
        }),
      ...(g.sequence && { sequence: g.sequence }),
      ...(g.silenceMs !== null && { silenceMs: g.silenceMs }),
    };
  });
}

export function assignmentOf(m: LoadedMonitor, agentId: string): MonitorAssignment | undefined {
  const me = m.participants.find((p) => p.agentId === agentId);
  if (!me || !m.running) return undefined;
  const groups = assignedGroups(m, me).filter((g) => g.send || g.receive);
  if (!groups.length) return undefined;
  return {
    monitorId: m.id,
    name: m.name,
    interface: me.interface,
    intervalMs: m.definition.intervalSeconds * 1000,
    beaconPps: m.definition.beaconPps,
    hopLimit: m.definition.hopLimit,
    key: m.key,
    groups,
    ...(m.definition.templates.length && { templates: m.definition.templates }),
  };
}

/** An agent's assignments over all monitors, with their revision. */
export function assignmentsOf(monitors: Iterable<LoadedMonitor>, agentId: string): MonitorAssignments {
  const assignments = [...monitors]
    .map((m) => assignmentOf(m, agentId))
    .filter((a): a is MonitorAssignment => a !== undefined)
    .sort((a, b) => a.monitorId.localeCompare(b.monitorId));
  const revision = createHash('sha256').update(JSON.stringify(assignments)).digest('base64url').slice(0, 22);
  return { revision, assignments };
}
