// Fails when prisma/schema.prisma and the database our migrations build disagree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/connect.ts';
import { migrate, readMigrations } from '../../src/db/migrator.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { databaseFacts, diffFacts, schemaFacts } from '../support/schema-drift.ts';

describe('schema.prisma vs migrations', () => {
  let tdb: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    tdb = await createTestDatabase({ fresh: true });
    db = await openDatabase(tdb);
    await migrate(db.sql);
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('the migrated database matches the schema exactly', async () => {
    const diff = diffFacts(schemaFacts(), await databaseFacts(db.sql));
    expect(diff).toEqual({ missingInDatabase: [], notInSchema: [] });
  });

  it('notices a column the schema does not know, and a changed nullability', async () => {
    await db.sql.exec(
      'ALTER TABLE "targets" ADD COLUMN "drift_probe" TEXT; ALTER TABLE "targets" ALTER COLUMN "comment" SET NOT NULL',
    );
    try {
      const diff = diffFacts(schemaFacts(), await databaseFacts(db.sql));
      expect(diff.notInSchema).toEqual([
        'column targets.comment text NOT NULL',
        'column targets.drift_probe text NULL',
      ]);
      expect(diff.missingInDatabase).toEqual(['column targets.comment text NULL']);
    } finally {
      await db.sql.exec(
        'ALTER TABLE "targets" DROP COLUMN "drift_probe"; ALTER TABLE "targets" ALTER COLUMN "comment" DROP NOT NULL',
      );
    }
  });

  it('records migrations in _prisma_migrations the way prisma migrate deploy does', async () => {
    const rows = await db.sql.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const files = await readMigrations();
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(
      files.map((m) => [m.name, m.checksum, 1]),
    );
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
    // A second pass applies nothing.
    expect(await migrate(db.sql)).toEqual({ applied: [], alreadyApplied: files.map((m) => m.name) });
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    const files = await readMigrations();
    const tampered = files.map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
    await expect(migrate(db.sql, tampered)).rejects.toThrow(/was changed after it was applied/);
  });

  it('rolls back a failing migration and records the failure', async () => {
    const files = await readMigrations();
    const bad = {
      name: '99999999999999_broken',
      sql: 'CREATE TABLE "half" (id int); SELECT no_such_function();',
      checksum: '0'.repeat(64),
    };
    await expect(migrate(db.sql, [...files, bad])).rejects.toThrow(/99999999999999_broken failed/);
    const half = await db.sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half'`);
    expect(half).toEqual([]);
    await expect(migrate(db.sql)).rejects.toThrow(/failed earlier/);
    await db.sql.exec(`DELETE FROM "_prisma_migrations" WHERE migration_name = '99999999999999_broken'`);
  });
});
