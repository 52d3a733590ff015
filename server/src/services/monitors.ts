// Monitors for people: create, change, delete, start and stop them, and make a receiver leave or join
// again. Every change is checked against the agents and the other monitors first (a 4xx naming the
// field, nothing written), audited, and handed to the hub, which gives agents their new assignments.
import { randomBytes } from 'node:crypto';
import { builtinTemplates } from '@netspotter/shared';
import type { Monitor as MonitorOut, MonitorBody, MonitorRole } from '@netspotter/shared/api';
import type { Database } from '../db/connect.ts';
import type { Monitor, MonitorParticipant } from '../db/generated/client.ts';
import { toJson } from '../db/json-column.ts';
import { badRequest, conflict, notFound } from '../domain-errors.ts';
import { knownAgents } from '../agents/participants.ts';
import type { SecretBox } from '../security/secret-box.ts';
import {
  checkBeaconRates,
  readDefinition,
  normaliseMonitor,
  receives,
  type MonitorContext,
  type OtherMonitor,
  type Participant,
} from '../monitors/definition.ts';
import type { MonitorHub } from '../monitors/hub.ts';
import { currentLibrary } from './templates.ts';
import { audited, type Actor } from './audit.ts';

type Row = Monitor & { participants: (MonitorParticipant & { agent: { name: string } })[] };
const WITH_PARTICIPANTS = { participants: { include: { agent: { select: { name: true } } } } } as const;
const BUILTINS: ReadonlySet<string> = new Set(builtinTemplates.map((t) => t.name));

const participantsOf = (r: Row): Participant[] =>
  r.participants.map((p) => ({
    agentId: p.agentId,
    interface: p.interface,
    role: p.role as MonitorRole,
    joined: p.joined,
  }));

export function toPublicMonitor(r: Row): MonitorOut {
  const def = readDefinition(r.definition);
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    state: r.state,
    participants: r.participants.map((p) => ({
      agentId: p.agentId,
      agent: p.agent.name,
      interface: p.interface,
      role: p.role as MonitorRole,
      joined: p.joined,
    })),
    groups: def.groups.map(({ sourceAgentId: _, ...g }) => g),
    beaconPps: def.beaconPps,
    intervalSeconds: def.intervalSeconds,
    hopLimit: def.hopLimit,
    thresholds: def.thresholds,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export const listMonitors = (db: Database): Promise<Row[]> =>
  db.prisma.monitor.findMany({ include: WITH_PARTICIPANTS, orderBy: { name: 'asc' } });

/** By id or name. */
export async function findMonitor(db: Database, ref: string): Promise<Row> {
  const m =
    (await db.prisma.monitor.findUnique({ where: { id: ref }, include: WITH_PARTICIPANTS })) ??
    (await db.prisma.monitor.findUnique({ where: { name: ref }, include: WITH_PARTICIPANTS }));
  if (!m) throw notFound('monitor');
  return m;
}

async function others(db: Database, except?: string): Promise<OtherMonitor[]> {
  const rows = await listMonitors(db);
  return rows
    .filter((r) => r.id !== except)
    .map((r) => ({
      name: r.name,
      running: r.state === 'running',
      definition: readDefinition(r.definition),
      participants: participantsOf(r),
    }));
}

async function contextFor(db: Database, previous?: Row): Promise<MonitorContext> {
  return {
    agents: await knownAgents(db),
    others: await others(db, previous?.id),
    library: await currentLibrary(db),
    builtins: BUILTINS,
    ...(previous && {
      previous: {
        definition: readDefinition(previous.definition),
        participants: participantsOf(previous),
      },
    }),
  };
}

async function nameFree(db: Database, name: string, except?: string): Promise<void> {
  const taken = await db.prisma.monitor.findUnique({ where: { name } });
  if (taken && taken.id !== except) throw conflict('name', `a monitor named "${name}" exists`);
}

const participantData = (list: Participant[]) =>
  list.map((p) => ({ agentId: p.agentId, interface: p.interface, role: p.role, joined: p.joined }));

export async function createMonitor(
  db: Database,
  secrets: SecretBox,
  hub: MonitorHub,
  by: Actor,
  body: MonitorBody,
): Promise<Row> {
  const { definition, participants } = normaliseMonitor(body, await contextFor(db));
  await nameFree(db, body.name);
  const m = await audited(db, by, async (tx, audit) => {
    const created = await tx.monitor.create({
      data: {
        name: body.name,
        description: body.description ?? null,
        definition: toJson(definition),
        beaconKeyEnc: secrets.encrypt(randomBytes(32).toString('base64')),
        createdBy: by.username,
        participants: { createMany: { data: participantData(participants) } },
      },
    });
    await audit('create', 'monitor', created.id, {
      name: created.name,
      groups: definition.groups.length,
      participants: participants.length,
    });
    return created;
  });
  await hub.reload(m.id);
  return findMonitor(db, m.id);
}

export async function updateMonitor(
  db: Database,
  hub: MonitorHub,
  by: Actor,
  id: string,
  body: MonitorBody,
): Promise<Row> {
  const old = await findMonitor(db, id);
  const { definition, participants } = normaliseMonitor(body, await contextFor(db, old));
  await nameFree(db, body.name, old.id);
  await audited(db, by, async (tx, audit) => {
    await tx.monitor.update({
      where: { id: old.id },
      data: { name: body.name, description: body.description ?? null, definition: toJson(definition) },
    });
    await tx.monitorParticipant.deleteMany({ where: { monitorId: old.id } });
    await tx.monitorParticipant.createMany({
      data: participantData(participants).map((p) => ({ ...p, monitorId: old.id })),
    });
    await audit('update', 'monitor', old.id, { name: body.name });
  });
  await hub.reload(old.id);
  return findMonitor(db, old.id);
}

export async function deleteMonitor(db: Database, hub: MonitorHub, by: Actor, id: string): Promise<void> {
  const m = await findMonitor(db, id);
  await audited(db, by, async (tx, audit) => {
    await tx.monitor.delete({ where: { id: m.id } });
    await audit('delete', 'monitor', m.id, { name: m.name });
  });
  await hub.forget(m.id);
}

/** Starts or stops a monitor; starting checks the senders' beacon rates against their policies again. */
export async function setMonitorState(
  db: Database,
  hub: MonitorHub,
  by: Actor,
  id: string,
  running: boolean,
): Promise<Row> {
  const m = await findMonitor(db, id);
  if (running) {
    const ctx = await contextFor(db, m);
    checkBeaconRates(ctx.previous!.definition, ctx.previous!.participants, ctx.agents, ctx.others);
  }
  await audited(db, by, async (tx, audit) => {
    await tx.monitor.update({ where: { id: m.id }, data: { state: running ? 'running' : 'stopped' } });
    await audit(running ? 'start' : 'stop', 'monitor', m.id, { name: m.name });
  });
  await hub.reload(m.id);
  return findMonitor(db, m.id);
}

/** Makes a receiver leave the monitor's groups (or join them again): agents send real MLD reports. */
export async function setReceiverJoined(
  db: Database,
  hub: MonitorHub,
  by: Actor,
  id: string,
  agentRef: string,
  joined: boolean,
): Promise<Row> {
  const m = await findMonitor(db, id);
  const p = m.participants.find((x) => x.agentId === agentRef || x.agent.name === agentRef);
  if (!p) throw notFound(`participant "${agentRef}" of monitor "${m.name}"`);
  if (!receives(p.role as MonitorRole))
    throw badRequest('agent', `"${p.agent.name}" is not a receiver (role ${p.role})`);
  await audited(db, by, async (tx, audit) => {
    await tx.monitorParticipant.update({
      where: { monitorId_agentId: { monitorId: m.id, agentId: p.agentId } },
      data: { joined },
    });
    await audit(joined ? 'join' : 'leave', 'monitor', m.id, { name: m.name, agent: p.agent.name });
  });
  await hub.reload(m.id);
  return findMonitor(db, m.id);
}
