// Opens the node database: embedded PGlite in the data folder by default, PostgreSQL when DATABASE_URL
// is set. Both speak the same SQL and are reached the same way (`pg` + Prisma's pg adapter), so one
// schema, one set of migrations and one code path serve both. PGlite runs on a worker thread behind a
// private Unix socket (pglite-host.mjs): a heavy query never stalls the event loop, so health checks
// and agent heartbeats are answered while an import or a snapshot is written.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client.ts';
import type { SqlClient } from './sql-client.ts';
import { acquireFolderLock } from './folder-lock.ts';

export type { PrismaClient };

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  /**
   * Raw SQL on one session (a dedicated connection on PostgreSQL): migrations, drift checks, and the
   * advisory lock a worker process holds while it lives (jobs/executor.ts).
   */
  sql: SqlClient;
  /** Raw SQL over a small pool on PostgreSQL (PGlite's one session otherwise): the job engine's queries. */
  pool: SqlClient;
  /** Called when the dedicated connection is lost (PostgreSQL only), e.g. to give up leadership. */
  onConnectionLost(listener: (err: Error) => void): void;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
}

/**
 * Interactive transactions wait for up to `maxWait`: PGlite runs one transaction at a time, so one
 * queues behind whatever holds the session — a 2,000-device snapshot store holds it for 40 s on an idle machine,
 * longer under load — and on PostgreSQL behind a saturated pool. Prisma's 2 s default would refuse such
 * a write; its 5 s run time would cut bulk writes short (and lose a discovery's snapshot).
 */
const TRANSACTIONS = { maxWait: 300_000, timeout: 600_000 };

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}

/** The data folder holds password hashes and the secrets key: only the server's user may enter it. */
export function privateDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
}

const PG_PORT = 5432;
/** Connections to the embedded database: enough that one is always waiting with its next query. */
const PGLITE_CONNECTIONS = 4;
/** sun_path holds 108 bytes; pg appends `/.s.PGSQL.5432`. */
const MAX_SOCKET_DIR = 90;

async function openPglite(dataDir: string): Promise<Database> {
  privateDataDir(dataDir);
  const dir = join(dataDir, 'db');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const release = await acquireFolderLock(dir, 'netspotter.lock');
  // The socket has no password: it lives in a folder only this user can enter.
  let runDir = resolve(dataDir, 'run');
  let ownRunDir = false;
  if (runDir.length > MAX_SOCKET_DIR) {
    runDir = mkdtempSync(join(tmpdir(), 'netspotter-db-')); // mode 0700
    ownRunDir = true;
  } else mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const socketPath = join(runDir, `.s.PGSQL.${PG_PORT}`);
  rmSync(socketPath, { force: true }); // left by a process that died; the folder lock says none runs now
  const worker = new Worker(new URL('./pglite-host.mjs', import.meta.url), {
    workerData: { dir, socketPath },
  });
  try {
    await new Promise<void>((ready, fail) => {
      const exited = (code: number) =>
        fail(new Error(`the embedded database worker exited (${code}) while opening ${dir}`));
      worker.once('error', fail).once('exit', exited);
      worker.once('message', () => {
        worker.off('error', fail).off('exit', exited);
        ready();
      });
    });
  } catch (err) {
    await worker.terminate();
    release();
    throw err;
  }
  const listeners: ((err: Error) => void)[] = [];
  // After start-up a failing worker is a lost database, as a dropped PostgreSQL connection is.
  worker.on('error', (err) => listeners.forEach((l) => l(err)));
  // PGlite is a single session; its worker runs one connection's query (or transaction) at a time and the
  // others' in turn, so queries from several connections wait there, not here: the next one runs while
  // this thread reads the last one's answer.
  const pool = new pg.Pool({
    host: runDir,
    port: PG_PORT,
    user: 'postgres',
    database: 'postgres',
    max: PGLITE_CONNECTIONS,
    idleTimeoutMillis: 0,
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTIONS });
  const session = sqlClient(pool);
  return {
    kind: 'pglite',
    prisma,
    sql: session,
    pool: session,
    onConnectionLost: (l) => void listeners.push(l),
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
      await new Promise<void>((done) => {
        worker.once('message', () => done());
        worker.once('exit', () => done());
        worker.postMessage('close');
      });
      await worker.terminate();
      if (ownRunDir) rmSync(runDir, { recursive: true, force: true });
      else rmSync(socketPath, { force: true });
      release();
    },
  };
}

const JOB_ENGINE_CONNECTIONS = 4;

const sqlClient = (q: pg.Pool | pg.Client): SqlClient => ({
  exec: async (text) => void (await q.query(text)),
  query: async <T>(text: string, params: unknown[] = []) => (await q.query(text, params)).rows as T[],
});

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
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url }),
    transactionOptions: TRANSACTIONS,
  });
  // The job engine's fetches and completions: a few connections, apart from Prisma's and the session's.
  const pool = new pg.Pool({ connectionString: url, max: JOB_ENGINE_CONNECTIONS });
  pool.on('error', () => undefined); // an idle connection dropped: the next query opens another
  return {
    kind: 'postgres',
    prisma,
    sql: sqlClient(client),
    pool: sqlClient(pool),
    onConnectionLost: (l) => void listeners.push(l),
    close: async () => {
      closing = true;
      await prisma.$disconnect();
      await pool.end();
      await client.end();
    },
  };
}
