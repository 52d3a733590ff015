// Who created, changed or deleted what, and when. Details never carry secrets.
// A change and its audit record commit together or not at all: a write is only ever made through
// `audited`, which runs it and the record in one transaction.
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

export type AuditAction =
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
  | 'leave'
  | 'acknowledge'
  | 'resolve';

/** A database client inside a transaction. */
export type Tx = Prisma.TransactionClient;

/** Records one audit event in the transaction of the change it describes. */
export type Audit = (
  action: AuditAction,
  entity: string,
  entityId?: string,
  details?: Prisma.InputJsonValue,
) => Promise<void>;

/**
 * Runs `change` and the audit events it records in one transaction. `change` must use `tx` only: on the
 * embedded database the transaction holds the one session, so a query through `db.prisma` would wait
 * for the transaction that waits for it. Work outside the database (waking the scheduler, aborting a
 * run) belongs after this returns, when the change is committed.
 */
export async function audited<T>(
  db: Database,
  actor: Actor,
  change: (tx: Tx, audit: Audit) => Promise<T>,
): Promise<T> {
  return db.prisma.$transaction((tx) =>
    change(tx, async (action, entity, entityId, details) => {
      await tx.auditEvent.create({
        data: {
          actor: actor.username,
          actorId: actor.id ?? null,
          action,
          entity,
          entityId: entityId ?? null,
          details,
        },
      });
    }),
  );
}
