// Agents for people: the list with their live state, sessions, enrolment tokens, and an admin's
// disconnect, reconnect and removal.
import type {
  Agent as AgentOut,
  AgentSession as SessionOut,
  EnrolmentTokenInfo,
} from '@netspotter/shared/api';
import { HostFactsSchema, type UpdateState } from '@netspotter/shared/agent-protocol';
import type { Database } from '../db/connect.ts';
import type { Agent, AgentSession, EnrolmentToken } from '../db/generated/client.ts';
import { readJson } from '../db/json-column.ts';
import { notFound } from '../domain-errors.ts';
import { endJobs } from '../agents/jobs.ts';
import { liveness } from '../agents/liveness.ts';
import { audited, type Actor } from './audit.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The agent as the API shows it; its state is computed now, so it is exact even between two sweeps. */
export function toPublicAgent(a: Agent, heartbeatSeconds: number): AgentOut {
  return {
    id: a.id,
    name: a.name,
    state: a.disconnectedAt ? 'disconnected' : liveness(a.lastSeenAt, Date.now(), heartbeatSeconds),
    hostname: a.hostname,
    version: a.version,
    facts: a.facts === null ? null : readJson(HostFactsSchema, a.facts, 'agent.facts'),
    lastSeenAt: iso(a.lastSeenAt),
    lastAddress: a.lastAddress,
    clockOffsetMs: a.clockOffsetMs,
    clockRttMs: a.clockRttMs,
    disconnectedAt: iso(a.disconnectedAt),
    enrolledAt: a.enrolledAt.toISOString(),
    update:
      a.targetVersion && a.updateRequestedAt
        ? {
            targetVersion: a.targetVersion,
            state: (a.updateState ?? 'requested') as UpdateState,
            message: a.updateMessage,
            requestedAt: a.updateRequestedAt.toISOString(),
            updatedAt: (a.updateChangedAt ?? a.updateRequestedAt).toISOString(),
          }
        : null,
    site: a.site,
  };
}

export const toPublicEnrolmentToken = (t: EnrolmentToken): EnrolmentTokenInfo => ({
  id: t.id,
  name: t.name,
  createdBy: t.createdBy,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt.toISOString(),
  usedAt: iso(t.usedAt),
  agentId: t.agentId,
});

const toPublicSession = (s: AgentSession & { agent: { name: string } }): SessionOut => ({
  id: s.id,
  agentId: s.agentId,
  agentName: s.agent.name,
  address: s.address,
  version: s.version,
  startedAt: s.startedAt.toISOString(),
  lastSeenAt: s.lastSeenAt.toISOString(),
  endedAt: iso(s.endedAt),
  endReason: s.endReason,
});

export const listAgents = (db: Database) => db.prisma.agent.findMany({ orderBy: { name: 'asc' } });

export async function findAgent(db: Database, id: string): Promise<Agent> {
  const a = await db.prisma.agent.findUnique({ where: { id } });
  if (!a) throw notFound('agent');
  return a;
}

export const listEnrolmentTokens = async (db: Database) =>
  (await db.prisma.enrolmentToken.findMany({ orderBy: { createdAt: 'desc' } })).map(toPublicEnrolmentToken);

/** Sessions, newest first (open ones have no endedAt). */
export async function agentSessions(db: Database, q: { agentId?: string; limit?: number }) {
  const rows = await db.prisma.agentSession.findMany({
    where: q.agentId ? { agentId: q.agentId } : {},
    include: { agent: { select: { name: true } } },
    orderBy: { startedAt: 'desc' },
    take: q.limit ?? 100,
  });
  return rows.map(toPublicSession);
}

/** Its key stops working, its sessions end and its active jobs fail. */
export async function disconnectAgent(db: Database, by: Actor, id: string): Promise<Agent> {
  const a = await findAgent(db, id);
  return endAgent(db, a, by, 'disconnected by admin', `was disconnected by ${by.username}`, 'admin');
}

/** The agent was uninstalled from its host (install.sh --uninstall told us): as a disconnect, by itself. */
export async function uninstallAgent(db: Database, a: Agent, reason = 'uninstalled'): Promise<Agent> {
  return endAgent(db, a, { username: `agent:${a.name}` }, reason, `was ${reason}`, reason);
}

async function endAgent(
  db: Database,
  a: Agent,
  by: Actor,
  sessionReason: string,
  jobReason: string,
  auditReason: string,
): Promise<Agent> {
  const now = new Date();
  return audited(db, by, async (tx, audit) => {
    const updated = await tx.agent.update({
      where: { id: a.id },
      data: { state: 'disconnected', disconnectedAt: now },
    });
    await tx.agentSession.updateMany({
      where: { agentId: a.id, endedAt: null },
      data: { endedAt: now, endReason: sessionReason },
    });
    await endJobs({ prisma: tx }, { agentId: a.id }, 'failed', `agent "${a.name}" ${jobReason}`);
    await audit('disconnect', 'agent', a.id, { reason: auditReason });
    return updated;
  });
}

/** Gives an agent a site (it then polls that site's targets, credentials included) or takes it away. */
export async function setAgentSite(db: Database, by: Actor, id: string, site: string | null): Promise<Agent> {
  const a = await findAgent(db, id);
  return audited(db, by, async (tx, audit) => {
    const updated = await tx.agent.update({ where: { id: a.id }, data: { site } });
    await audit('update', 'agent', a.id, { site });
    return updated;
  });
}

export async function reconnectAgent(db: Database, by: Actor, id: string): Promise<Agent> {
  const a = await findAgent(db, id);
  return audited(db, by, async (tx, audit) => {
    const updated = await tx.agent.update({
      where: { id: a.id },
      data: { state: 'offline', disconnectedAt: null },
    });
    await audit('update', 'agent', a.id, { allowed: true });
    return updated;
  });
}

/** Removes the agent with its jobs. */
export async function deleteAgent(db: Database, by: Actor, id: string): Promise<void> {
  const a = await findAgent(db, id);
  await audited(db, by, async (tx, audit) => {
    await tx.agent.delete({ where: { id: a.id } });
    await audit('delete', 'agent', a.id, { name: a.name });
  });
}
