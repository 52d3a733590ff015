// Bearer API tokens: shared by the API and the CLI. The secret is shown once at creation.
import type { Database } from '../db/connect.ts';
import type { ApiToken } from '../db/generated/client.ts';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from '../security/tokens.ts';
import { audited, type Actor } from './audit.ts';
import { DomainError, badRequest } from '../domain-errors.ts';

export interface PublicToken {
  id: string;
  name: string;
  username: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export const toPublicToken = (t: ApiToken & { user: { username: string } }): PublicToken => ({
  id: t.id,
  name: t.name,
  username: t.user.username,
  prefix: t.prefix,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
});

export async function createToken(
  db: Database,
  by: Actor,
  opts: { username: string; name: string; expiresInDays?: number },
): Promise<{ token: PublicToken; secret: string }> {
  const user = await db.prisma.user.findUnique({ where: { username: opts.username } });
  if (!user) throw badRequest('username', `no user named ${opts.username}`);
  const secret = newSecret(API_TOKEN_PREFIX);
  const expiresAt = opts.expiresInDays ? new Date(Date.now() + opts.expiresInDays * 86_400_000) : null;
  const token = await audited(db, by, async (tx, audit) => {
    const created = await tx.apiToken.create({
      data: {
        name: opts.name,
        userId: user.id,
        tokenHash: hashSecret(secret),
        prefix: secret.slice(0, 10),
        expiresAt,
      },
      include: { user: { select: { username: true } } },
    });
    await audit('create', 'api_token', created.id, { name: opts.name, username: user.username });
    return created;
  });
  return { token: toPublicToken(token), secret };
}

/** Revokes by id or by the token's shown prefix. */
export async function revokeToken(db: Database, by: Actor, idOrPrefix: string): Promise<PublicToken> {
  const found = await db.prisma.apiToken.findMany({
    where: { OR: [{ id: idOrPrefix }, { prefix: idOrPrefix }] },
    include: { user: { select: { username: true } } },
  });
  if (found.length === 0) throw new DomainError('not_found', 'token not found');
  if (found.length > 1) throw new DomainError('conflict', 'prefix matches several tokens; use the id', 'id');
  const token = await audited(db, by, async (tx, audit) => {
    const revoked = await tx.apiToken.update({
      where: { id: found[0]!.id },
      data: { revokedAt: found[0]!.revokedAt ?? new Date() },
      include: { user: { select: { username: true } } },
    });
    await audit('revoke', 'api_token', revoked.id, { name: revoked.name });
    return revoked;
  });
  return toPublicToken(token);
}
