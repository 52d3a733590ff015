// Worker thread: owns the embedded PGlite database and serves it over the PostgreSQL wire protocol on
// a private Unix socket, so its queries run here and never on the server's event loop, and the server
// reaches it through the same `pg` + Prisma code path as a real PostgreSQL.
// Plain JavaScript: a worker thread does not inherit the main thread's TypeScript loader.
import { workerData, parentPort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** @type {{ dir: string, socketPath: string }} */
const { dir, socketPath } = workerData;
const db = await PGlite.create(dir);
// One connection: PGlite is one session, so two clients would share (and corrupt) each other's
// prepared statements and transactions. The server's pool is sized to match.
const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 });
await server.start();
parentPort.postMessage({ ready: true });
parentPort.on('message', async (m) => {
  if (m !== 'close') return;
  await server.stop();
  await db.close();
  parentPort.postMessage({ closed: true });
});
