// Authenticates agent requests (`Authorization: Agent <key>`) and refuses plaintext unless allowed.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/connect.ts';
import type { Agent } from '../db/generated/client.ts';
import { keyedLookup } from '../db/group-commit.ts';
import { agentsWithKeys } from './agent-rows.ts';
import { DomainError } from '../domain-errors.ts';
import { hashSecret } from '../security/tokens.ts';
import { beatArrivals } from './beat-arrivals.ts';
import { recordBeat } from './beats.ts';

/** The client address, without the IPv4-mapped prefix (unknown once a client went away mid-request). */
export const clientAddress = (req: FastifyRequest) => (req.ip ?? 'unknown').replace(/^::ffff:(?=\d+\.)/, '');

export function requireTransport(config: Config, req: FastifyRequest): void {
  if (req.protocol !== 'https' && !config.agentPlaintext) {
    throw new DomainError(
      'tls_required',
      'agents must connect over HTTPS (this server does not allow plaintext agents)',
    );
  }
}

/** Agents by key hash, looked up together for the requests that arrive while a lookup is under way. */
const agentsByKey = keyedLookup(agentsWithKeys, (a) => a.keyHash);

export async function authenticateAgent(db: Database, config: Config, req: FastifyRequest): Promise<Agent> {
  requireTransport(config, req);
  const m = /^Agent\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) throw new DomainError('unauthenticated', 'agent requests need "Authorization: Agent KEY"');
  const keyHash = hashSecret(m[1]!);
  const agent = await agentsByKey(db).submit(keyHash);
  if (!agent) throw new DomainError('unauthenticated', 'unknown agent key');
  if (agent.disconnectedAt) throw new DomainError('agent_disconnected', 'an admin disconnected this agent');
  beatArrivals.authenticated(req, keyHash, agent.id);
  return agent;
}

/** An agent's request: authenticated, and counted as a heartbeat. */
export async function beatingAgent(db: Database, config: Config, req: FastifyRequest): Promise<Agent> {
  const agent = await authenticateAgent(db, config, req);
  await recordBeat(db, config, agent, { address: clientAddress(req) });
  return agent;
}
