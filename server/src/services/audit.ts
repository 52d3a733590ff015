// Who created, changed or deleted what, and when. Details never carry secrets.
import type { Database } from '../db/connect.ts';
import type { Prisma } from '../db/generated/client.ts';

export interface Actor {
  id?: string;
  username: string;
  /** Absent for the server host's own command line and the system, which act as admins. */
  role?: 'admin' | 'operator' | 'viewer';
}

/** The actor for changes made from the command line on the server host. */
export const CLI_ACTOR: Actor = { username: 'cli' };

export async function recordAudit(
  db: Database,
  actor: Actor,
  action:
    | 'create'
    | 'update'
    | 'delete'
    | 'revoke'
    | 'import'
    | 'run'
    | 'cancel'
    | 'login'
    | 'logout'
    | 'enrol'
    | 'connect'
    | 'disconnect'
    | 'block'
    | 'unblock'
    | 'start'
    | 'stop'
    | 'join'
    | 'leave',
  entity: string,
  entityId?: string,
  details?: Prisma.InputJsonValue,
): Promise<void> {
  await db.prisma.auditEvent.create({
    data: {
      actor: actor.username,
      actorId: actor.id ?? null,
      action,
      entity,
      entityId: entityId ?? null,
      details,
    },
  });
}
