// Worker thread: owns the embedded PGlite database and serves it over the PostgreSQL wire protocol on
// a private Unix socket, so its queries run here and never on the server's event loop, and the server
// reaches it through the same `pg` + Prisma code path as a real PostgreSQL.
// Plain JavaScript: a worker thread does not inherit the main thread's TypeScript loader.
import { workerData, parentPort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { serveWire } from './pglite-wire.mjs';

/** @type {{ dir: string, socketPath: string }} */
const { dir, socketPath } = workerData;
const db = await PGlite.create(dir);
// PostgreSQL fills each new 16 MB WAL segment with zeros before it writes there: through PGlite's emulated
// file system that held the session ~130 ms whenever a commit crossed into a new segment (every ~16 MB of
// writes, about every 100 s under 1,000 agents' beats), and 200 result uploads caught in it waited 400 ms.
// Off, a new segment is made at its size without the zero pass; WAL records carry their own checksums, so
// recovery reads the same. A setting of the one session, which every connection shares.
await db.exec('SET wal_init_zero = off');

// Several connections take turns on the one session, a query (or a transaction) at a time (pglite-wire.mjs).
const server = await serveWire(db, socketPath);
parentPort.postMessage({ ready: true });
parentPort.on('message', async (m) => {
  if (m !== 'close') return;
  await server.close();
  await db.close();
  parentPort.postMessage({ closed: true });
});
