// A monitor as entered (MonitorBody) checked against the enrolled agents, their local policies, the other
// monitors and the templates, and normalised into what is stored (pure). Every refusal names its field:
// participants[i].agent / .interface, groups[i].group / .source / .port / .sequence…, beaconPps.
import { randomBytes } from 'node:crypto';
import Type, { type Static } from 'typebox';
import {
  canonicalIp,
  ipv6Bytes,
  sequenceFieldProblem,
  TemplateSchema,
  type TemplateDef,
  type TemplateLibrary,
} from '@netspotter/shared';
import { beaconLimit, interfaceAllowed } from '@netspotter/shared/agent-protocol';
import {
  MonitorGroupSchema,
  MonitorThresholdsOutSchema,
  type MonitorBody,
  type MonitorGroupBody,
  type MonitorRole,
} from '@netspotter/shared/api';
import type { Prisma } from '../db/generated/client.ts';
import { readJson } from '../db/json-column.ts';
import { badRequest, conflict } from '../domain-errors.ts';
import { interfaceAddress, type AgentInfo } from '../agents/participants.ts';
import { Nullable } from '../http/schemas.ts';

export const DEFAULT_BEACON_PORT = 10_000;
export const DEFAULTS = {
  beaconPps: 1,
  intervalSeconds: 10,
  hopLimit: 64,
  silenceMs: 1000,
  thresholds: {
    degradedLossPct: 1,
    lostLossPct: 100,
    degradedDelayMs: null,
    degradedJitterMs: null,
    joinLatencyMs: null,
  },
} as const;

/** A group as stored: the public shape plus the agent an SSM beacon source stands for. */
export const StoredGroupSchema = Type.Intersect([
  MonitorGroupSchema,
  Type.Object({ sourceAgentId: Nullable(Type.String()) }),
]);
export type StoredGroup = Static<typeof StoredGroupSchema>;

export const MonitorDefinitionSchema = Type.Object({
  groups: Type.Array(StoredGroupSchema),
  beaconPps: Type.Number(),
  intervalSeconds: Type.Integer(),
  hopLimit: Type.Integer(),
  thresholds: MonitorThresholdsOutSchema,
  /** The user templates watches read sequence fields with, as they were when the monitor was saved. */
  templates: Type.Array(TemplateSchema),
});
export type MonitorDefinition = Static<typeof MonitorDefinitionSchema>;
export type Thresholds = MonitorDefinition['thresholds'];

/** A stored definition; a threshold added after it was saved takes its default. */
export function readDefinition(json: Prisma.JsonValue): MonitorDefinition {
  const stored = json !== null && typeof json === 'object' && !Array.isArray(json) ? json : undefined;
  const thresholds = stored?.thresholds;
  return readJson(
    MonitorDefinitionSchema,
    stored && thresholds !== null && typeof thresholds === 'object' && !Array.isArray(thresholds)
      ? { ...stored, thresholds: { ...DEFAULTS.thresholds, ...thresholds } }
      : json,
    'monitor.definition',
  );
}

export interface Participant {
  agentId: string;
  interface: string;
  role: MonitorRole;
  joined: boolean;
}

/** Another monitor, as far as overlaps and beacon load go. */
export interface OtherMonitor {
  name: string;
  running: boolean;
  definition: MonitorDefinition;
  participants: Participant[];
}

export interface MonitorContext {
  agents: AgentInfo[];
  others: OtherMonitor[];
  /** Built-ins and the latest user templates (watches' sequence fields). */
  library: TemplateLibrary;
  /** Names of the built-in templates (not copied into the monitor). */
  builtins: ReadonlySet<string>;
  /** The monitor being edited: its groups keep their ids, its receivers their joined state. */
  previous?: { definition: MonitorDefinition; participants: Participant[] };
}

export const sends = (role: MonitorRole) => role !== 'receiver';
export const receives = (role: MonitorRole) => role !== 'sender';

/** The agents beaconing into a group: the SSM source's agent, or every sender for ASM. */
export function groupSenders(g: StoredGroup, participants: readonly Participant[]): Participant[] {
  if (g.kind !== 'beacon') return [];
  return participants.filter(
    (p) => sends(p.role) && (g.sourceAgentId === null || p.agentId === g.sourceAgentId),
  );
}

/** Beacons per second each agent sends for this monitor. */
export function beaconLoad(
  def: MonitorDefinition,
  participants: readonly Participant[],
): Map<string, number> {
  const load = new Map<string, number>();
  for (const g of def.groups)
    for (const p of groupSenders(g, participants))
      load.set(p.agentId, (load.get(p.agentId) ?? 0) + def.beaconPps);
  return load;
}

/** FF3x::/96, the SSM range (RFC 4607). */
function isSsmGroup(bytes: Uint8Array): boolean {
  return (bytes[1]! & 0xf0) === 0x30 && bytes.subarray(2, 12).every((b) => b === 0);
}

const describeAgents = (agents: AgentInfo[]) => agents.map((a) => a.name).join(', ') || 'none';

function participantsOf(
  body: MonitorBody,
  ctx: MonitorContext,
): { list: Participant[]; agents: AgentInfo[] } {
  const list: Participant[] = [];
  const agents: AgentInfo[] = [];
  body.participants.forEach((p, i) => {
    const f = `participants[${i}]`;
    const agent = ctx.agents.find((a) => a.name === p.agent || a.id === p.agent);
    if (!agent)
      throw badRequest(`${f}.agent`, `unknown agent "${p.agent}" (enrolled: ${describeAgents(ctx.agents)})`);
    if (agents.includes(agent)) throw badRequest(`${f}.agent`, `agent "${agent.name}" is listed twice`);
    if (!agent.interfaces.includes(p.interface))
      throw badRequest(
        `${f}.interface`,
        `agent "${agent.name}" has no interface "${p.interface}" (it has: ${agent.interfaces.join(', ')})`,
      );
    if (!interfaceAllowed(agent.policy, p.interface))
      throw badRequest(
        `${f}.interface`,
        `interface ${p.interface} is outside agent "${agent.name}"'s local policy (allowed: ${agent.policy.interfaces!.join(', ')})`,
      );
    const before = ctx.previous?.participants.find((q) => q.agentId === agent.id);
    agents.push(agent);
    list.push({
      agentId: agent.id,
      interface: p.interface,
      role: p.role ?? 'both',
      joined: before?.joined ?? true,
    });
  });
  return { list, agents };
}

/** The group's source: absent for ASM; for SSM an agent alias (`$name`) or, for watches, an address. */
function sourceOf(
  g: MonitorGroupBody,
  f: string,
  kind: 'beacon' | 'watch',
  list: Participant[],
  agents: AgentInfo[],
): { address: string | null; agentId: string | null } {
  if (g.mode === 'asm') {
    if (g.source !== undefined)
      throw badRequest(`${f}.source`, 'an ASM group has no source (use mode "ssm")');
    return { address: null, agentId: null };
  }
  if (g.source === undefined)
    throw badRequest(`${f}.source`, 'an SSM group needs its source: `$AGENT` (a participant) or an address');
  if (g.source.startsWith('$')) {
    const name = g.source.slice(1);
    const i = agents.findIndex((a) => a.name === name);
    if (i < 0)
      throw badRequest(
        `${f}.source`,
        `"${g.source}" is not an address: no participant "${name}" (participants: ${describeAgents(agents)})`,
      );
    const p = list[i]!;
    if (kind === 'beacon' && !sends(p.role))
      throw badRequest(`${f}.source`, `"${g.source}" does not send beacons (its role is ${p.role})`);
    const address = interfaceAddress(agents[i]!, p.interface);
    if (!address?.includes(':') || address.toLowerCase().startsWith('fe80'))
      throw badRequest(
        `${f}.source`,
        `"${g.source}" is not an address: ${name} ${p.interface} has no global IPv6 address`,
      );
    return { address, agentId: p.agentId };
  }
  const bytes = ipv6Bytes(g.source);
  if (!bytes || bytes[0] === 0xff)
    throw badRequest(`${f}.source`, `"${g.source}" is not an IPv6 unicast address or a \`$AGENT\` alias`);
  const address = canonicalIp(g.source)!;
  if (kind === 'watch') return { address, agentId: null };
  // A beacon source is always one of the participants: find whose address this is.
  const i = agents.findIndex((a, k) => interfaceAddress(a, list[k]!.interface) === address);
  if (i < 0 || !sends(list[i]!.role))
    throw badRequest(
      `${f}.source`,
      `${address} is not the address of a sending participant (use \`$AGENT\`)`,
    );
  return { address, agentId: list[i]!.agentId };
}

function groupOf(
  g: MonitorGroupBody,
  i: number,
  ctx: MonitorContext,
  list: Participant[],
  agents: AgentInfo[],
): StoredGroup {
  const f = `groups[${i}]`;
  const kind = g.kind ?? 'beacon';
  const bytes = ipv6Bytes(g.group);
  if (!bytes || bytes[0] !== 0xff)
    throw badRequest(`${f}.group`, `"${g.group}" is not an IPv6 multicast group`);
  if (g.mode === 'ssm' && !isSsmGroup(bytes))
    throw badRequest(`${f}.group`, `${g.group} is not in the SSM range FF3x::/96 (RFC 4607)`);
  if (g.mode === 'asm' && isSsmGroup(bytes))
    throw badRequest(
      `${f}.group`,
      `${g.group} is in the SSM range FF3x::/96: ASM cannot join it (use mode "ssm")`,
    );
  if (kind === 'watch' && g.port === undefined)
    throw badRequest(`${f}.port`, "a watch needs the stream's UDP port");
  if (kind === 'beacon' && g.sequence)
    throw badRequest(`${f}.sequence`, 'only watches read a sequence field');
  if (kind === 'beacon' && g.silenceMs !== undefined)
    throw badRequest(`${f}.silenceMs`, 'only watches count silences');
  if (g.sequence?.kind === 'template') {
    const problem = ctx.library.has(g.sequence.template)
      ? sequenceFieldProblem(ctx.library, g.sequence.template, g.sequence.field)
      : undefined;
    if (!ctx.library.has(g.sequence.template))
      throw badRequest(`${f}.sequence.template`, `no template "${g.sequence.template}"`);
    if (problem) throw badRequest(`${f}.sequence.field`, problem);
  }
  const source = sourceOf(g, f, kind, list, agents);
  const group = canonicalIp(g.group)!;
  const port = g.port ?? DEFAULT_BEACON_PORT;
  const same = (o: StoredGroup) =>
    o.kind === kind &&
    o.mode === g.mode &&
    o.group === group &&
    o.port === port &&
    o.source === (g.source ?? null);
  const before = ctx.previous?.definition.groups.find((o) => (g.id ? o.id === g.id : same(o)));
  return {
    id: before?.id ?? `g${randomBytes(3).toString('hex')}`,
    kind,
    mode: g.mode,
    group,
    port,
    source: g.source ?? null,
    sourceAddress: source.address,
    sourceAgentId: source.agentId,
    sequence: g.sequence ?? null,
    silenceMs: kind === 'watch' ? (g.silenceMs ?? DEFAULTS.silenceMs) : null,
  };
}

function checkOverlaps(groups: StoredGroup[], others: OtherMonitor[]): void {
  groups.forEach((g, i) => {
    const twin = groups.findIndex((o) => o.group === g.group && o.port === g.port);
    if (twin < i)
      throw badRequest(
        `groups[${i}].group`,
        `${g.group} port ${g.port} is already groups[${twin}]: one stream per group and port`,
      );
    for (const m of others)
      if (m.definition.groups.some((o) => o.group === g.group && o.port === g.port))
        throw conflict(`groups[${i}].group`, `monitor "${m.name}" already uses ${g.group} port ${g.port}`);
  });
}

/** Refuses a beacon rate above a sender's local policy, counting what its running monitors already send. */
export function checkBeaconRates(
  def: MonitorDefinition,
  participants: Participant[],
  agents: AgentInfo[],
  others: OtherMonitor[],
): void {
  const load = beaconLoad(def, participants);
  for (const m of others.filter((o) => o.running))
    for (const [id, pps] of beaconLoad(m.definition, m.participants))
      if (load.has(id)) load.set(id, load.get(id)! + pps);
  for (const [id, pps] of load) {
    const agent = agents.find((a) => a.id === id)!;
    const limit = beaconLimit(agent.policy);
    if (limit !== undefined && pps > limit)
      throw badRequest(
        'beaconPps',
        `agent "${agent.name}" would send ${Math.round(pps * 100) / 100} beacons/s in all, above its local policy's ${limit}/s`,
      );
  }
}

/** The stored definition and participants, or a 4xx naming the first field that is wrong. */
export function normaliseMonitor(
  body: MonitorBody,
  ctx: MonitorContext,
): { definition: MonitorDefinition; participants: Participant[] } {
  const { list, agents } = participantsOf(body, ctx);
  const groups = body.groups.map((g, i) => groupOf(g, i, ctx, list, agents));
  checkOverlaps(groups, ctx.others);
  const beacons = groups.filter((g) => g.kind === 'beacon');
  if (beacons.length && !list.some((p) => sends(p.role)))
    throw badRequest('participants', 'beacon groups need at least one sender');
  if (!list.some((p) => receives(p.role)))
    throw badRequest('participants', 'a monitor needs at least one receiver');
  const intervalSeconds = body.intervalSeconds ?? DEFAULTS.intervalSeconds;
  const beaconPps = body.beaconPps ?? DEFAULTS.beaconPps;
  if (beacons.length && beaconPps * intervalSeconds < 1)
    throw badRequest(
      'beaconPps',
      `at least one beacon per interval: ${beaconPps}/s × ${intervalSeconds} s is less`,
    );
  const t = { ...DEFAULTS.thresholds, ...body.thresholds };
  if (t.degradedLossPct > t.lostLossPct)
    throw badRequest('thresholds.degradedLossPct', `above lostLossPct (${t.lostLossPct})`);
  const templates = new Map<string, TemplateDef>();
  for (const g of groups)
    if (g.sequence?.kind === 'template') userTemplates(g.sequence.template, ctx, templates);
  const definition: MonitorDefinition = {
    groups,
    templates: [...templates.values()],
    beaconPps,
    intervalSeconds,
    hopLimit: body.hopLimit ?? DEFAULTS.hopLimit,
    thresholds: t,
  };
  checkBeaconRates(definition, list, agents, ctx.others);
  return { definition, participants: list };
}

/** A template and the user templates it extends, parents first. */
function userTemplates(name: string, ctx: MonitorContext, into: Map<string, TemplateDef>): void {
  if (ctx.builtins.has(name) || into.has(name) || !ctx.library.has(name)) return;
  const def = ctx.library.definition(name);
  if (def.extends) userTemplates(def.extends, ctx, into);
  into.set(name, def);
}
