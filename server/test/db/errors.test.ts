// A statement the database refuses must not cost the queries after it: on the embedded database the
// protocol stays in step (each query gets its own rows) and the connection is reopened at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/connect.ts';
import { migrate } from '../../src/db/migrator.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('database errors', () => {
  let tdb: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = await openDatabase(tdb);
    await migrate(db.sql); // the PGlite template is migrated already; a PostgreSQL test database is empty
    await db.sql.exec(`
      CREATE TABLE probe (id int PRIMARY KEY);
      CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
      CREATE TRIGGER refuse BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse();`);
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const failures: [string, (n: number) => Promise<unknown>][] = [
    // fails at Bind: the parameter does not fit the column type
    ['a value out of range', () => db.sql.query('SELECT $1::int', ['99999999999']) as Promise<unknown>],
    // fails at Execute
    ['a unique violation', () => db.sql.query('INSERT INTO probe VALUES (1), (1)')],
    // fails at Parse
    ['a syntax error', () => db.sql.query('SELEC 1')],
    // inside an interactive transaction, which keeps its connection and rolls back
    [
      'a failure inside a transaction',
      (n) =>
        db.prisma.$transaction(async (tx) => {
          // parameters: the extended protocol, as every Prisma query
          await tx.$executeRaw`INSERT INTO probe VALUES (${1000 + n})`;
          await tx.auditEvent.create({ data: { actor: 'test', action: 'create', entity: 'probe' } });
        }),
    ],
  ];

  it.each(failures)('after %s, the next queries get their own results', async (_, fail) => {
    for (let n = 0; n < 10; n++) {
      await expect(fail(n)).rejects.toThrow();
      expect(await db.sql.query<{ n: number }>('SELECT $1::int AS n', [n])).toEqual([{ n }]);
      expect(await db.prisma.$queryRawUnsafe<{ m: number }[]>(`SELECT ${n} + 1 AS m`)).toEqual([
        { m: n + 1 },
      ]);
      // The next query waits for the connection while the failing one holds it: it runs right after.
      const [failed, next] = await Promise.allSettled([
        fail(n),
        db.sql.query<{ n: number }>('SELECT $1::int AS n', [n]),
      ]);
      expect(failed.status).toBe('rejected');
      expect(next).toEqual({ status: 'fulfilled', value: [{ n }] });
    }
    expect(await db.sql.query('SELECT count(*)::int AS c FROM probe')).toEqual([{ c: 0 }]);
  });
});
