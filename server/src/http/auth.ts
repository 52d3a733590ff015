// Authentication (session cookie for the GUI, bearer token for scripts) and role checks.
// Every /api route declares `config.minRole`; a route that forgets it needs admin (safe default).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '../db/generated/client.ts';
import type { Database } from '../db/connect.ts';
import { hashSecret } from '../security/tokens.ts';
import { ApiError } from './errors.ts';

export type MinRole = Role | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    minRole?: MinRole;
  }
  interface FastifyRequest {
    user?: AuthUser;
  }
}

export interface AuthUser {
  id: string;
  username: string;
  role: Role;
  via: 'session' | 'token';
}

export const SESSION_COOKIE = 'ns_session';
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function hasRole(user: AuthUser, min: Role): boolean {
  return RANK[user.role] >= RANK[min];
}

async function identify(db: Database, req: FastifyRequest): Promise<AuthUser | undefined> {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new ApiError(401, 'unauthenticated', 'Authorization header must be "Bearer TOKEN"');
    const token = await db.prisma.apiToken.findUnique({
      where: { tokenHash: hashSecret(m[1]!) },
      include: { user: true },
    });
    if (!token) throw new ApiError(401, 'unauthenticated', 'unknown API token');
    if (token.revokedAt) throw new ApiError(401, 'unauthenticated', 'API token was revoked');
    if (token.expiresAt && token.expiresAt < new Date())
      throw new ApiError(401, 'unauthenticated', 'API token expired');
    if (token.user.disabled) throw new ApiError(401, 'unauthenticated', 'user is disabled');
    // Last use is informative only; a failure to record it must not fail the request.
    void db.prisma.apiToken
      .update({ where: { id: token.id }, data: { lastUsedAt: new Date() } })
      .catch(() => undefined);
    return { id: token.user.id, username: token.user.username, role: token.user.role, via: 'token' };
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (!cookie) return undefined;
  const session = await db.prisma.session.findUnique({
    where: { tokenHash: hashSecret(cookie) },
    include: { user: true },
  });
  if (!session || session.expiresAt < new Date() || session.user.disabled) return undefined;
  return { id: session.user.id, username: session.user.username, role: session.user.role, via: 'session' };
}

export function registerAuth(app: FastifyInstance, db: Database) {
  app.decorateRequest('user', undefined);
  app.addHook('preValidation', async (req) => {
    if (!req.routeOptions.url) return; // no such route: the not-found handler answers 404
    const min: MinRole =
      req.routeOptions.config.minRole ?? (req.url.startsWith('/api/') ? 'admin' : 'public');
    if (min === 'public') return;
    const user = await identify(db, req);
    if (!user) throw new ApiError(401, 'unauthenticated', 'log in or send a bearer token');
    if (!hasRole(user, min))
      throw new ApiError(403, 'forbidden', `this needs the ${min} role; you are ${user.role}`);
    req.user = user;
  });
}

/** The acting user of an authenticated route. */
export function actor(req: FastifyRequest): AuthUser {
  if (!req.user) throw new ApiError(401, 'unauthenticated', 'log in or send a bearer token');
  return req.user;
}
