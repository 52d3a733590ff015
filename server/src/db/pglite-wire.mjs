// Serves one PGlite over the PostgreSQL wire protocol to several client connections at once.
// PGlite is one session, so what runs on it must never interleave inside a client's query: a client's
// messages run up to and including its Sync (or simple Query) before another client's, and a client
// inside a transaction keeps the session until its transaction ends. Clients overlap in all else: while
// one reads its answer and sends its next query, another's query runs. (With one connection this thread
// sat idle between every two queries, waiting on the server's thread; under 1,000 agents both threads were
// half idle while 200 result uploads waited.) A client's answers to one query leave in one write: PGlite
// answers message by message, and the server's thread would wake for each.
// Plain JavaScript: it runs in the database's worker thread, which has no TypeScript loader.
import { createServer } from 'node:net';

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const SYNC = 0x53;
const QUERY = 0x51;
const FLUSH = 0x48;
const TERMINATE = 0x58;
const READY_FOR_QUERY = 0x5a;
/** The largest message PostgreSQL accepts (1 GB): a longer length is a broken or hostile stream. */
const MAX_MESSAGE = 0x40000000;
/** A frontend message: type byte, length, body. */
function frontend(type, body) {
  const m = Buffer.alloc(5 + body.length);
  m[0] = type;
  m.writeInt32BE(4 + body.length, 1);
  body.copy(m, 5);
  return m;
}
const SYNC_MESSAGE = frontend(SYNC, Buffer.alloc(0));
const ROLLBACK_MESSAGE = frontend(QUERY, Buffer.from('ROLLBACK\0'));

// PGlite answers an extended-protocol message that fails (a Bind with a value out of range, an Execute
// hitting a constraint) with ReadyForQuery at once, and again at the Sync; PostgreSQL sends it only for the
// Sync (and a simple Query). `pg` then takes the reply of its next command for the one after it: silently
// wrong results after any database error inside a transaction (upstream electric-sql/pglite#958). Every
// ReadyForQuery that answers anything but Sync or Query is dropped.
const EXTENDED = new Set([...'PBDECH'].map((c) => c.charCodeAt(0)));

/** A reply without its ReadyForQuery messages. */
function withoutReadyForQuery(reply) {
  const kept = [];
  for (let at = 0; at < reply.length;) {
    const end = at + 1 + reply.readInt32BE(at + 1);
    if (reply[at] !== READY_FOR_QUERY) kept.push(reply.subarray(at, end));
    at = end;
  }
  return kept.length === 1 ? kept[0] : Buffer.concat(kept);
}

/** Extended-query messages that can go to PGlite together, up to and including the Sync that ends them: all but Flush. */
const BATCHED = new Set([...EXTENDED].filter((t) => t !== FLUSH));

/**
 * The messages of a client's queue to run next, taken off it: one message, or a query's Parse, Bind,
 * Describe and Execute with its Sync, which go to PGlite as one (it runs every message of its input in one
 * call, skipping what follows an error up to the Sync as PostgreSQL does). Each call costs the database's
 * thread a turn of its own around the query, which for a one-row lookup under 1,000 agents was most of the
 * query's time there.
 */
function takeQuery(messages) {
  let n = 0;
  while (n < messages.length && Buffer.isBuffer(messages[n]) && BATCHED.has(messages[n][0])) n++;
  if (n < messages.length && Buffer.isBuffer(messages[n]) && messages[n][0] === SYNC && n > 0) n++;
  return messages.splice(0, Math.max(n, 1));
}

/** The transaction status a reply ends with ('I' idle, 'T' in a transaction, 'E' failed one), if it ends with ReadyForQuery. */
function statusOf(reply) {
  const at = reply.length - 6;
  if (at < 0 || reply[at] !== READY_FOR_QUERY || reply.readInt32BE(at + 1) !== 5) return undefined;
  return String.fromCharCode(reply[at + 5]);
}

/** Runs messages on `db`, one client's query (or transaction) at a time, clients taking turns. */
class Session {
  /** Clients with messages waiting, in the order they asked. */
  #waiting = [];
  /** The client whose query or transaction is under way: only its messages may run. */
  #holder = null;
  #running = false;

  constructor(db) {
    this.db = db;
  }

  /** A client has a new message. */
  asked(client) {
    if (client !== this.#holder && !this.#waiting.includes(client)) this.#waiting.push(client);
    if (!this.#running) void this.#run();
  }

  /** A client is gone: its waiting messages go; a query or transaction it left open is ended. */
  gone(client) {
    this.#waiting = this.#waiting.filter((c) => c !== client);
    client.messages = this.#holder === client ? [{ reset: true }] : [];
    if (!this.#running) void this.#run();
  }

  async #run() {
    this.#running = true;
    for (;;) {
      let client = this.#holder;
      if (!client) {
        client = this.#waiting.shift();
        if (!client) break;
        if (!client.messages.length) continue;
      } else if (!client.messages.length) break; // the rest of its query or transaction is on its way
      this.#holder = client;
      const taken = takeQuery(client.messages);
      const ended = taken[0].reset ? await this.#reset() : await this.#execute(client, taken);
      if (ended) this.#holder = null;
      if (ended && client.messages.length) this.#waiting.push(client);
    }
    this.#running = false;
  }

  /**
   * Runs one message, or an extended query's messages up to its Sync together; says whether the client's
   * query ended with the session out of any transaction.
   */
  async #execute(client, taken) {
    const type = taken[0] === client.startup ? undefined : taken.at(-1)[0];
    let reply;
    try {
      reply = await this.#answer(taken.length === 1 ? taken[0] : Buffer.concat(taken));
    } catch (err) {
      // PGlite itself failed (not an SQL error, which it answers): this client's state is unknown.
      client.fail(err);
      return this.#reset();
    }
    if (EXTENDED.has(type)) reply = withoutReadyForQuery(reply);
    // Messages ending in a Sync: only the Sync's ReadyForQuery, the last, is kept.
    else if (type === SYNC && taken.length > 1 && statusOf(reply))
      reply = Buffer.concat([withoutReadyForQuery(reply), reply.subarray(reply.length - 6)]);
    client.out.push(reply);
    if (type !== undefined && type !== SYNC && type !== QUERY && type !== FLUSH) return false;
    // A Flush, or a simple Query that started COPY, has no ReadyForQuery yet: the query goes on.
    return statusOf(client.flush()) === 'I';
  }

  /** PGlite's whole answer to one message, or to a query's messages sent together. */
  async #answer(message) {
    const chunks = [];
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(message, { onRawData: (d) => chunks.push(Buffer.from(d)) }),
    );
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  }

  /** Ends what a vanished client left open: its extended query (Sync), then its transaction. */
  async #reset() {
    if (statusOf(await this.#answer(SYNC_MESSAGE)) !== 'I') await this.#answer(ROLLBACK_MESSAGE);
    return true;
  }
}

/** One client connection: splits its stream into messages, writes its answers. */
class Client {
  messages = [];
  /** The answers to the query under way, written together at its end. */
  out = [];
  /** The start-up message, once it came (it has no type byte). */
  startup = undefined;
  #chunks = [];
  #size = 0;
  /** Bytes needed before the next message can be cut (header, then the whole message). */
  #need = 8;

  constructor(socket, session) {
    this.socket = socket;
    this.session = session;
  }

  /** Takes a chunk of the stream; cuts whole messages once enough has arrived (a 500 kB Bind is copied once). */
  take(chunk) {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#size < this.#need) return;
    const buf = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#size);
    let at = 0;
    for (;;) {
      const left = buf.length - at;
      // The start-up message has no type byte: length, then protocol version (or an SSL/GSS request).
      const header = this.#startup() ? 8 : 5;
      if (left < header) {
        this.#need = header;
        break;
      }
      const length = this.#startup() ? buf.readInt32BE(at) : 1 + buf.readInt32BE(at + 1);
      if (length < header - 1 || length > MAX_MESSAGE)
        return this.fail(new Error(`bad message length ${length}`));
      if (left < length) {
        this.#need = length;
        break;
      }
      if (!this.#message(buf.subarray(at, at + length))) return;
      at += length;
    }
    this.#chunks = at < buf.length ? [buf.subarray(at)] : [];
    this.#size = buf.length - at;
  }

  /** Whether the start-up message is still to come (SSL and GSS requests come before it). */
  #startup() {
    return this.startup === undefined;
  }

  /** Queues one message; says whether to read on. */
  #message(m) {
    if (this.#startup()) {
      const code = m.readInt32BE(4);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write('N'); // no encryption on a private Unix socket: the client goes on in plain text
        return true;
      }
      if (code !== PROTOCOL_3) {
        // A cancel request, or a protocol this session does not speak: nothing to answer.
        this.socket.destroy();
        return false;
      }
      this.startup = m;
    } else if (m[0] === TERMINATE) {
      this.socket.end();
      return false;
    }
    this.messages.push(m);
    this.session.asked(this);
    return true;
  }

  /** Writes the answers gathered so far in one write; returns them. */
  flush() {
    const reply = this.out.length === 1 ? this.out[0] : Buffer.concat(this.out);
    this.out = [];
    if (reply.length && !this.socket.destroyed) this.socket.write(reply);
    return reply;
  }

  fail(err) {
    this.socket.destroy(err);
  }
}

/** Listens on a Unix socket path; `close()` stops listening and ends every connection. */
export async function serveWire(db, path) {
  const session = new Session(db);
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    const client = new Client(socket, session);
    socket.on('data', (chunk) => client.take(chunk));
    socket.on('error', () => {}); // a client that vanishes is handled at 'close'
    socket.on('close', () => {
      sockets.delete(socket);
      session.gone(client);
    });
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(path, resolve));
  return {
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
