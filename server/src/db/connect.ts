// Opens the node database: embedded PGlite in the data folder by default, PostgreSQL when
// DATABASE_URL is set. Both speak the same SQL, so one schema and one set of migrations serve both.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client.ts';
import type { SqlClient } from './sql-client.ts';
import { acquireFolderLock } from './folder-lock.ts';

export type { PrismaClient };

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  /** One dedicated connection: migrations, drift checks and the scheduler's advisory lock. */
  sql: SqlClient;
  /** Called when the dedicated connection is lost (PostgreSQL only), e.g. to give up leadership. */
  onConnectionLost(listener: (err: Error) => void): void;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}

async function openPglite(dataDir: string): Promise<Database> {
  const dir = join(dataDir, 'db');
  mkdirSync(dir, { recursive: true });
  // PGlite is single-process: a second process on the same folder would corrupt it.
  const release = acquireFolderLock(dir, 'netspotter.lock');
  let db: PGlite;
  try {
    db = await PGlite.create(dir);
  } catch (err) {
    release();
    throw err;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    kind: 'pglite',
    prisma,
    sql: {
      exec: async (text) => void (await db.exec(text)),
      query: async <T>(text: string, params: unknown[] = []) => (await db.query<T>(text, params)).rows,
    },
    onConnectionLost: () => undefined,
    close: async () => {
      await prisma.$disconnect();
      await db.close();
      release();
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const listeners: ((err: Error) => void)[] = [];
  let closing = false;
  const lost = (err: Error) => {
    if (!closing) for (const l of listeners) l(err);
  };
  client.on('error', lost);
  client.on('end', () => lost(new Error('database connection ended')));
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  return {
    kind: 'postgres',
    prisma,
    sql: {
      exec: async (text) => void (await client.query(text)),
      query: async <T>(text: string, params: unknown[] = []) =>
        (await client.query(text, params)).rows as T[],
    },
    onConnectionLost: (l) => void listeners.push(l),
    close: async () => {
      closing = true;
      await prisma.$disconnect();
      await client.end();
    },
  };
}
