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

// PGlite answers an extended-protocol message that fails (a Bind with a value out of range, an Execute
// hitting a constraint) with ReadyForQuery at once, and again at the Sync; PostgreSQL sends it only for the
// Sync (and a simple Query). `pg` then takes the reply of its next command for the one after it: silently
// wrong results after any database error inside a transaction (upstream electric-sql/pglite#958). Every
// ReadyForQuery that answers anything but Sync or Query is dropped here.
const EXTENDED = new Set([...'PBDECH'].map((c) => c.charCodeAt(0)));
const READY_FOR_QUERY = 0x5a;
const execProtocolRawStream = db.execProtocolRawStream.bind(db);
db.execProtocolRawStream = (message, options) =>
  execProtocolRawStream(
    message,
    EXTENDED.has(message[0]) ? { ...options, onRawData: withoutReadyForQuery(options.onRawData) } : options,
  );

/** Forwards backend messages except ReadyForQuery, reassembling messages split across chunks. */
function withoutReadyForQuery(forward) {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
    const kept = [];
    let at = 0;
    while (pending.length - at >= 5) {
      const end = at + 1 + pending.readInt32BE(at + 1);
      if (end > pending.length) break;
      if (pending[at] !== READY_FOR_QUERY) kept.push(pending.subarray(at, end));
      at = end;
    }
    pending = pending.subarray(at);
    if (kept.length) forward(kept.length === 1 ? kept[0] : Buffer.concat(kept));
  };
}
// One live connection: PGlite is one session, so two clients would share (and corrupt) each other's
// prepared statements and transactions; the server's pool is sized to match (max 1). The socket still
// admits a few: pg's pool drops a connection after any failed query (a unique violation, a value out
// of range) and opens the next one before this side has seen the old one close. Refusing it failed
// the query after every database error.
const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 4 });
await server.start();
parentPort.postMessage({ ready: true });
parentPort.on('message', async (m) => {
  if (m !== 'close') return;
  await server.stop();
  await db.close();
  parentPort.postMessage({ closed: true });
});
