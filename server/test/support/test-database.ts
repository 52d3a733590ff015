// A fresh database per test file: a temporary PGlite folder, or — when DATABASE_URL is set
// (the CI PostgreSQL pass) — a new database on that server, dropped afterwards.
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { migrate, readMigrations } from '../../src/db/migrator.ts';

/** Why a PostgreSQL-only test cannot run on the embedded default. */
export const NEEDS_POSTGRES = 'needs DATABASE_URL (runs in the PostgreSQL pass of .ci/run)';

/** Undefined on PostgreSQL; on PGlite the reason to skip `what`, after a SKIP line saying so. */
export function postgresOnly(what: string): string | undefined {
  if (process.env.DATABASE_URL) return undefined;
  console.warn(`SKIP ${what}: ${NEEDS_POSTGRES}`);
  return NEEDS_POSTGRES;
}

export interface TestDatabase {
  dataDir: string;
  databaseUrl?: string;
  drop(): Promise<void>;
}

/**
 * PGlite's initdb takes 5-15 s here, copying a folder well under one: build one migrated template
 * per set of migrations and copy it for each test. `fresh` skips the template (to test migrating
 * an empty database).
 */
async function pgliteTemplate(): Promise<string> {
  const migrations = await readMigrations();
  const key = createHash('sha256')
    .update(migrations.map((m) => m.checksum).join())
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), `netspotter-pglite-template-${key}`);
  if (existsSync(join(dir, 'READY'))) return dir;
  const staging = mkdtempSync(join(tmpdir(), 'netspotter-pglite-staging-'));
  const db = await PGlite.create(staging);
  await migrate({
    exec: async (s) => void (await db.exec(s)),
    query: async <T>(s: string, p?: unknown[]) => (await db.query<T>(s, p)).rows,
  });
  await db.close();
  writeFileSync(join(staging, 'READY'), '');
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another worker won the race; use theirs
  }
  return dir;
}

export async function createTestDatabase(opts: { fresh?: boolean } = {}): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'netspotter-test-'));
  const base = process.env.DATABASE_URL;
  if (!base) {
    if (!opts.fresh) cpSync(await pgliteTemplate(), join(dataDir, 'db'), { recursive: true });
    return { dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const url = new URL(base); // throws on a malformed DATABASE_URL before pg guesses a host from it
  const name = `ns_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  url.pathname = `/${name}`;
  return {
    dataDir,
    databaseUrl: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        // FORCE ends every session in the database; ending one of another role (an autovacuum worker)
        // needs pg_signal_backend, which a developer's role may lack. Such a worker is done soon.
        for (let attempt = 1; ; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            break;
          } catch (err) {
            if ((err as { code?: string }).code !== '42501' || attempt === 40) throw err;
            await new Promise((r) => setTimeout(r, 250));
          }
        }
      } finally {
        await c.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
