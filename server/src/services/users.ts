// User accounts: shared by the API and the CLI.
import type { Database } from '../db/connect.ts';
import type { Role, User } from '../db/generated/client.ts';
import { generatePassword, hashPassword } from '../security/passwords.ts';
import { audited, type Actor } from './audit.ts';
import { DomainError, badRequest } from '../domain-errors.ts';

export const ROLES: Role[] = ['admin', 'operator', 'viewer'];
export const USERNAME_PATTERN = '^[A-Za-z0-9._@-]{1,64}$';
export const MIN_PASSWORD = 8;

export interface PublicUser {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export const toPublicUser = (u: User): PublicUser => ({
  id: u.id,
  username: u.username,
  role: u.role,
  disabled: u.disabled,
  createdAt: u.createdAt.toISOString(),
});

function checkPassword(password: string) {
  if (password.length < MIN_PASSWORD)
    throw badRequest('password', `must be at least ${MIN_PASSWORD} characters`);
}

export async function createUser(
  db: Database,
  by: Actor,
  username: string,
  password: string,
  role: Role,
): Promise<User> {
  if (!new RegExp(USERNAME_PATTERN).test(username))
    throw badRequest('username', 'must be 1-64 of A-Z a-z 0-9 . _ @ -');
  if (!ROLES.includes(role)) throw badRequest('role', `must be one of ${ROLES.join(', ')}`);
  checkPassword(password);
  if (await db.prisma.user.findUnique({ where: { username } })) {
    throw new DomainError('conflict', `user ${username} already exists`, 'username');
  }
  const passwordHash = await hashPassword(password);
  return audited(db, by, async (tx, audit) => {
    const user = await tx.user.create({ data: { username, role, passwordHash } });
    await audit('create', 'user', user.id, { username, role });
    return user;
  });
}

export async function updateUser(
  db: Database,
  by: Actor,
  id: string,
  change: { role?: Role; disabled?: boolean; password?: string },
  /** keepSession: the hash of the session that changes its own password, which stays. */
  opts: { keepSession?: string } = {},
): Promise<User> {
  const existing = await db.prisma.user.findUnique({ where: { id } });
  if (!existing) throw new DomainError('not_found', 'user not found');
  if (change.password !== undefined) checkPassword(change.password);
  if ((change.role && change.role !== 'admin') || change.disabled) await keepOneAdmin(db, existing);
  const passwordHash = change.password !== undefined ? await hashPassword(change.password) : undefined;
  return audited(db, by, async (tx, audit) => {
    const user = await tx.user.update({
      where: { id },
      data: {
        ...(change.role && { role: change.role }),
        ...(change.disabled !== undefined && { disabled: change.disabled }),
        ...(passwordHash !== undefined && { passwordHash }),
      },
    });
    if (change.password !== undefined || change.disabled)
      await tx.session.deleteMany({
        where: {
          userId: id,
          ...(opts.keepSession && !change.disabled && { NOT: { tokenHash: opts.keepSession } }),
        },
      });
    await audit('update', 'user', id, {
      username: user.username,
      ...(change.role && { role: change.role }),
      ...(change.disabled !== undefined && { disabled: change.disabled }),
      ...(change.password !== undefined && { password: 'changed' }),
    });
    return user;
  });
}

export async function deleteUser(db: Database, by: Actor, id: string): Promise<void> {
  const existing = await db.prisma.user.findUnique({ where: { id } });
  if (!existing) throw new DomainError('not_found', 'user not found');
  await keepOneAdmin(db, existing);
  await audited(db, by, async (tx, audit) => {
    await tx.user.delete({ where: { id } });
    await audit('delete', 'user', id, { username: existing.username });
  });
}

/** Refuses a change that would leave no enabled admin (nobody could manage users any more). */
async function keepOneAdmin(db: Database, user: User) {
  if (user.role !== 'admin' || user.disabled) return;
  const admins = await db.prisma.user.count({ where: { role: 'admin', disabled: false } });
  if (admins <= 1) throw new DomainError('conflict', 'this is the last enabled admin', 'role');
}

/**
 * Creates the first admin when there are no users. Returns the password when it was generated
 * (to be shown once), undefined when it came from config or users already existed.
 */
export async function ensureFirstAdmin(
  db: Database,
  configured?: string,
): Promise<{ username: string; password?: string } | undefined> {
  if ((await db.prisma.user.count()) > 0) return undefined;
  const password = configured ?? generatePassword();
  await createUser(db, { username: 'system' }, 'admin', password, 'admin');
  return { username: 'admin', ...(configured === undefined && { password }) };
}
