// One-time enrolment tokens and enrolling an agent with one. The token text carries the server's
// certificate fingerprint so the agent can pin it; only a hash of the secret is stored.
import {
  formatEnrolmentToken,
  type EnrolRequest,
  type EnrolResponse,
} from '@netspotter/shared/agent-protocol';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/connect.ts';
import { toJson } from '../db/json-column.ts';
import { DomainError, conflict } from '../domain-errors.ts';
import { hashSecret, newSecret } from '../security/tokens.ts';
import { audited, type Actor } from '../services/audit.ts';
import { loadTls } from './tls.ts';

export const AGENT_KEY_PREFIX = 'nsa_';

export async function createEnrolmentToken(
  db: Database,
  config: Config,
  actor: Actor,
  name: string,
  ttlMinutes: number,
) {
  const secret = newSecret();
  const tls = await loadTls(config);
  const fingerprint = tls?.fingerprint;
  const row = await audited(db, actor, async (tx, audit) => {
    const created = await tx.enrolmentToken.create({
      data: {
        name,
        tokenHash: hashSecret(secret),
        createdBy: actor.username,
        expiresAt: new Date(Date.now() + ttlMinutes * 60_000),
      },
    });
    await audit('create', 'enrolment-token', created.id, { name, ttlMinutes });
    return created;
  });
  return {
    ...row,
    token: formatEnrolmentToken({ secret, ...(fingerprint && { fingerprint }) }),
    fingerprint: fingerprint ?? null,
    publicKeyPin: tls?.publicKeyPin ?? null,
  };
}

export async function enrolmentBlocked(db: Database): Promise<boolean> {
  return (await db.prisma.agentSettings.findUnique({ where: { id: 1 } }))?.enrolmentBlocked ?? false;
}

export async function setEnrolmentBlocked(db: Database, actor: Actor, blocked: boolean): Promise<void> {
  await audited(db, actor, async (tx, audit) => {
    await tx.agentSettings.upsert({
      where: { id: 1 },
      create: { id: 1, enrolmentBlocked: blocked },
      update: { enrolmentBlocked: blocked },
    });
    await audit(blocked ? 'block' : 'unblock', 'agent-enrolment');
  });
}

/** Burns the token and creates the agent; the key is returned here once and only its hash is kept. */
export async function enrol(
  db: Database,
  config: Config,
  req: EnrolRequest,
  address: string,
): Promise<EnrolResponse> {
  const { prisma } = db;
  if (await enrolmentBlocked(db))
    throw new DomainError('enrolment_blocked', 'an admin has blocked new agent enrolments');
  if (await prisma.agent.findUnique({ where: { name: req.name } }))
    throw conflict('name', `an agent named "${req.name}" is already enrolled`);
  const now = new Date();
  const tokenHash = hashSecret(req.secret);
  const key = newSecret(AGENT_KEY_PREFIX);
  // One transaction: a token is never burnt without its agent being created.
  const agent = await audited(db, { username: `agent:${req.name}` }, async (tx, audit) => {
    // Atomic burn: of two agents racing with one token, only one sees count 1.
    const burnt = await tx.enrolmentToken.updateMany({
      where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (burnt.count !== 1)
      throw new DomainError(
        'unauthenticated',
        'enrolment token is unknown, already used or expired',
        'secret',
      );
    const created = await tx.agent.create({
      data: {
        name: req.name,
        keyHash: hashSecret(key),
        hostname: req.facts.hostname,
        version: req.facts.agentVersion,
        facts: toJson(req.facts),
        lastSeenAt: now,
        lastAddress: address,
        sessions: { create: { address, version: req.facts.agentVersion } },
      },
    });
    await tx.enrolmentToken.updateMany({ where: { tokenHash }, data: { agentId: created.id } });
    await audit('enrol', 'agent', created.id, { address, hostname: req.facts.hostname });
    return created;
  });
  return { agentId: agent.id, key, heartbeatSeconds: config.agentHeartbeatSeconds };
}
