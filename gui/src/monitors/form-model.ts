// What the monitor form holds, turned into the API's body, and back: the participants the operator ticked
// (the body lists only those, so the server's `participants[i]` is mapped back to the agent's row), the
// groups, and each SSM group's source choices (the sending participants with their interface's address).
import type { Agent, Monitor, MonitorBody, MonitorGroupBody, MonitorRole } from '@netspotter/shared/api';

export interface ParticipantRow {
  agent: string;
  included: boolean;
  interface: string;
  role: MonitorRole;
}

export interface GroupRow {
  /** Kept when editing, so the group keeps its history. */
  id?: string;
  mode: 'asm' | 'ssm';
  group: string;
  /** Text as typed ('' = the server's default). */
  port: string;
  /** SSM: `$AGENT`. */
  source: string;
}

export interface FormState {
  name: string;
  description: string;
  participants: ParticipantRow[];
  groups: GroupRow[];
  /** Passive watches of an edited monitor: the form does not edit them, it sends them back unchanged. */
  watches: MonitorGroupBody[];
  beaconPps: string;
  intervalSeconds: string;
  degradedLossPct: string;
  lostLossPct: string;
  degradedDelayMs: string;
  degradedJitterMs: string;
  joinLatencyMs: string;
}

/** An agent's interfaces a monitor can use: not loopback, with their addresses. */
export function usableInterfaces(a: Pick<Agent, 'facts'>): Array<{ name: string; addresses: string[] }> {
  return (a.facts?.interfaces ?? [])
    .filter((i) => !i.internal && i.name !== 'lo')
    .map((i) => ({ name: i.name, addresses: i.addresses }));
}

/** The global IPv6 address of an agent's interface (what an SSM source `$AGENT` stands for). */
export function globalAddress(a: Pick<Agent, 'facts'>, ifName: string): string | undefined {
  const i = a.facts?.interfaces.find((x) => x.name === ifName);
  return i?.addresses
    .map((x) => x.split('/')[0]!)
    .find((x) => x.includes(':') && !x.toLowerCase().startsWith('fe80'));
}

/** SSM source choices: each ticked sending participant as `$name`, labelled with its address. */
export function sourceChoices(
  rows: ParticipantRow[],
  agents: Array<Pick<Agent, 'name' | 'facts'>>,
): Array<[value: string, label: string]> {
  return rows
    .filter((r) => r.included && r.role !== 'receiver')
    .map((r) => {
      const a = agents.find((x) => x.name === r.agent);
      const address = a && globalAddress(a, r.interface);
      return [`$${r.agent}`, `${r.agent} (${address ?? `no global address on ${r.interface}`})`];
    });
}

const optionalNumber = (text: string): number | undefined | string => {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  // Sent as typed when not a number, so the server names the field (it never coerces).
  return Number.isFinite(n) ? n : t;
};

/**
 * The body to send, and for each of its participants the form row it came from (the server's
 * `participants[i]` errors name body indices).
 */
export function monitorBody(s: FormState): { body: MonitorBody; participantRows: number[] } {
  const participantRows: number[] = [];
  const participants = s.participants.flatMap((p, row) => {
    if (!p.included) return [];
    participantRows.push(row);
    return [{ agent: p.agent, interface: p.interface, role: p.role }];
  });
  const thresholds = Object.fromEntries(
    (['degradedLossPct', 'lostLossPct', 'degradedDelayMs', 'degradedJitterMs', 'joinLatencyMs'] as const)
      .map((k) => [k, optionalNumber(s[k])] as const)
      .filter(([, v]) => v !== undefined),
  );
  const beaconPps = optionalNumber(s.beaconPps);
  const intervalSeconds = optionalNumber(s.intervalSeconds);
  const body = {
    name: s.name.trim(),
    ...(s.description.trim() && { description: s.description.trim() }),
    participants,
    groups: [
      ...s.groups.map((g) => {
        const port = optionalNumber(g.port);
        return {
          ...(g.id && { id: g.id }),
          mode: g.mode,
          group: g.group.trim(),
          ...(port !== undefined && { port }),
          ...(g.mode === 'ssm' && g.source && { source: g.source }),
        };
      }),
      ...s.watches,
    ],
    ...(beaconPps !== undefined && { beaconPps }),
    ...(intervalSeconds !== undefined && { intervalSeconds }),
    ...(Object.keys(thresholds).length > 0 && { thresholds }),
  } as MonitorBody;
  return { body, participantRows };
}

/** The form's state for a new monitor among these agents (all ticked: a full mesh) or for an existing one. */
export function initialState(agents: Array<Pick<Agent, 'name' | 'facts'>>, m?: Monitor): FormState {
  const participants = agents.map((a): ParticipantRow => {
    const p = m?.participants.find((x) => x.agent === a.name);
    return {
      agent: a.name,
      included: m ? p !== undefined : true,
      interface: p?.interface ?? usableInterfaces(a)[0]?.name ?? '',
      role: p?.role ?? 'both',
    };
  });
  const text = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    name: m?.name ?? '',
    description: m?.description ?? '',
    participants,
    groups: m
      ? m.groups
          .filter((g) => g.kind === 'beacon')
          .map((g) => ({
            id: g.id,
            mode: g.mode,
            group: g.group,
            port: String(g.port),
            source: g.source ?? '',
          }))
      : [{ mode: 'asm', group: '', port: '', source: '' }],
    watches: (m?.groups ?? [])
      .filter((g) => g.kind === 'watch')
      .map((g) => ({
        id: g.id,
        kind: 'watch' as const,
        mode: g.mode,
        group: g.group,
        port: g.port,
        ...(g.source !== null && { source: g.source }),
        ...(g.sequence !== null && { sequence: g.sequence }),
        ...(g.silenceMs !== null && { silenceMs: g.silenceMs }),
      })),
    beaconPps: text(m?.beaconPps),
    intervalSeconds: text(m?.intervalSeconds),
    degradedLossPct: text(m?.thresholds.degradedLossPct),
    lostLossPct: text(m?.thresholds.lostLossPct),
    degradedDelayMs: text(m?.thresholds.degradedDelayMs),
    degradedJitterMs: text(m?.thresholds.degradedJitterMs),
    joinLatencyMs: text(m?.thresholds.joinLatencyMs),
  };
}
