// Agent updates: an admin asks agents (one, a selection, all) to move to a release; each one is offered
// it in its heartbeat answers until it reports back, and what it reports (downloading, trial, restarting,
// failed, rolled back) is kept with the agent. An agent that beats with the target version has succeeded.
import type { AgentUpdateBody, AgentUpdateResult } from '@netspotter/shared/api';
import { HostFactsSchema, type UpdateOffer, type UpdateReport } from '@netspotter/shared/agent-protocol';
import { Type } from 'typebox';
import type { Database } from '../db/connect.ts';
import type { Agent } from '../db/generated/client.ts';
import { readJson } from '../db/json-column.ts';
import { badRequest } from '../domain-errors.ts';
import { audited, type Actor } from '../services/audit.ts';
import { newest, offerOf, type ReleaseCatalog } from './releases.ts';

/**
 * The part of the host facts every agent request reads (the release check): checked alone, not the whole
 * document with its interfaces (a TypeBox walk of every address, 800 requests a second at 1,000 agents).
 */
const ArchFactSchema = Type.Object({ arch: HostFactsSchema.properties.arch });

/** The agent's architecture, from its host facts (Node's names: x64, arm64). */
export const archOf = (a: Agent): string | undefined =>
  a.facts === null ? undefined : readJson(ArchFactSchema, a.facts, 'agent.facts').arch;

/** States in which the agent is still to act on the offer. */
const OFFERED = new Set(['requested', 'downloading', 'trial', 'restarting']);

export async function requestUpdates(
  db: Database,
  releases: ReleaseCatalog,
  actor: Actor,
  body: AgentUpdateBody,
): Promise<AgentUpdateResult> {
  if (!body.all && !body.agentIds) throw badRequest('agentIds', 'name the agents to update, or set all');
  if (body.all && body.agentIds) throw badRequest('all', 'give either agentIds or all, not both');
  const available = await releases.list();
  const version = body.version ?? newest(available)?.version;
  if (!version) throw badRequest('version', 'this server has no agent release (run npm run build)');
  if (!available.some((r) => r.version === version))
    throw badRequest('version', `no agent release ${version} on this server`);
  let agents: Agent[];
  if (body.all) agents = await db.prisma.agent.findMany({ orderBy: { name: 'asc' } });
  else {
    const ids = body.agentIds!;
    agents = await db.prisma.agent.findMany({ where: { id: { in: ids } } });
    const missing = ids.findIndex((id) => !agents.some((a) => a.id === id));
    if (missing >= 0) throw badRequest(`agentIds[${missing}]`, 'no such agent');
  }
  const result: AgentUpdateResult = { version, requested: [], skipped: [] };
  const chosen: Agent[] = [];
  for (const a of agents) {
    const arch = archOf(a);
    const skip = (reason: string) => result.skipped.push({ agentId: a.id, name: a.name, reason });
    if (a.disconnectedAt) skip('disconnected');
    else if (a.version === version) skip(`already runs ${version}`);
    else if (!available.some((r) => r.version === version && r.arch === arch))
      skip(`no ${version} release for its architecture (${arch ?? 'unknown'})`);
    else chosen.push(a);
  }
  if (!chosen.length) return result;
  const now = new Date();
  // The requests and their audit record commit together.
  await audited(db, actor, async (tx, audit) => {
    await tx.agent.updateMany({
      where: { id: { in: chosen.map((a) => a.id) } },
      data: {
        targetVersion: version,
        updateState: 'requested',
        updateMessage: null,
        updateRequestedAt: now,
        updateChangedAt: now,
      },
    });
    await audit('update', 'agent-release', version, { agents: chosen.map((a) => a.name) });
  });
  result.requested = chosen.map((a) => ({ agentId: a.id, name: a.name }));
  return result;
}

/** What the heartbeat answer offers this agent: its requested release, until it has acted on it. */
export async function updateOffer(
  releases: ReleaseCatalog,
  a: Agent,
  runningVersion: string | null,
): Promise<UpdateOffer | undefined> {
  if (!a.targetVersion || runningVersion === a.targetVersion || !OFFERED.has(a.updateState ?? ''))
    return undefined;
  const r = await releases.find(a.targetVersion, archOf(a) ?? '');
  return r && offerOf(r);
}

/**
 * Keeps what the agent reports about its update, and marks the update done once the agent runs the target
 * version. Reports about another version than the requested one are ignored (an older request).
 */
export async function recordUpdateProgress(
  db: Database,
  a: Agent,
  report: UpdateReport | undefined,
  runningVersion: string | null,
): Promise<Agent> {
  if (!a.targetVersion) return a;
  let state: string | undefined;
  let message: string | null = null;
  if (report && report.version === a.targetVersion) {
    state = report.state;
    message = report.message ?? null;
  } else if (runningVersion === a.targetVersion && a.updateState !== 'succeeded') state = 'succeeded';
  if (!state || (state === a.updateState && message === a.updateMessage)) return a;
  return db.prisma.agent.update({
    where: { id: a.id },
    data: { updateState: state, updateMessage: message, updateChangedAt: new Date() },
  });
}
