// The embedded database's wire server: several connections share PGlite's one session, so a client's
// query, and its transaction, must run whole before another's, and one that vanishes must leave nothing open.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWire } from '../../src/db/pglite-wire.mjs';

describe('PGlite wire server', () => {
  let dir: string;
  let db: PGlite;
  let wire: { close(): Promise<void> };
  const clients: pg.Client[] = [];
  const client = async () => {
    const c = new pg.Client({ host: dir, port: 5432, user: 'postgres', database: 'postgres' });
    c.on('error', () => {}); // the vanishing client's own socket error
    await c.connect();
    clients.push(c);
    return c;
  };
  const count = async (c: pg.Client) =>
    Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM t')).rows[0]!.n);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pglite-wire-'));
    db = await PGlite.create();
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    wire = await serveWire(db, join(dir, '.s.PGSQL.5432'));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await wire?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('queries of five connections at once each get their own answer, a failing one too', async () => {
    const cs = await Promise.all([client(), client(), client(), client(), client()]);
    const chains = cs.slice(0, 4).map(async (c, k) => {
      const got: number[] = [];
      for (let i = 0; i < 50; i++)
        got.push((await c.query<{ n: number }>('SELECT $1::int + 1 AS n', [k * 50 + i])).rows[0]!.n);
      return got;
    });
    const failing = cs[4]!.query('SELECT 1 / $1::int', [0]);
    await expect(failing).rejects.toThrow(/division by zero/);
    expect((await cs[4]!.query('SELECT 2 AS n')).rows).toEqual([{ n: 2 }]);
    expect((await Promise.all(chains)).flat()).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('a query failing inside a transaction is answered once: each next query gets its own answer', async () => {
    const c = await client();
    await c.query('BEGIN');
    // Parse, Bind, Describe, Execute and Sync reach PGlite together; it fails at Execute.
    await expect(c.query('SELECT 1 / $1::int', [0])).rejects.toThrow(/division by zero/);
    await expect(c.query('SELECT $1::int AS n', [7])).rejects.toThrow(/current transaction is aborted/);
    await c.query('ROLLBACK');
    expect((await c.query('SELECT $1::int AS n', [8])).rows).toEqual([{ n: 8 }]);
    await expect(c.query('SELECT $1::int AS n', ['x'])).rejects.toThrow(/invalid input syntax/); // fails at Bind
    expect((await c.query('SELECT 9 AS n')).rows).toEqual([{ n: 9 }]);
  });

  it('a transaction keeps the session: another connection’s query runs after it, not inside it', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    await a.query('BEGIN');
    await a.query('INSERT INTO t VALUES (1)');
    // Inside A's transaction this would count A's row, which A then rolls back.
    const seen = count(b);
    await new Promise((r) => setTimeout(r, 100));
    await a.query('ROLLBACK');
    expect(await seen).toBe(0);
  });

  it('a connection that vanishes inside a transaction is rolled back; the others go on', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    await a.query('BEGIN');
    await a.query('INSERT INTO t VALUES (2)');
    const waiting = count(b);
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect(await waiting).toBe(0);
    await b.query('INSERT INTO t VALUES (3)');
    expect(await count(b)).toBe(1);
  });

  it('a client that vanishes halfway through an extended query leaves the session usable', async () => {
    const raw = connect(join(dir, '.s.PGSQL.5432'));
    const replies: Buffer[] = [];
    raw.on('data', (d) => replies.push(d));
    const message = (type: string, body: Buffer) => {
      const m = Buffer.alloc(5 + body.length);
      m.write(type, 0, 'latin1');
      m.writeInt32BE(4 + body.length, 1);
      body.copy(m, 5);
      return m;
    };
    const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
    const startup = Buffer.alloc(8 + params.length);
    startup.writeInt32BE(startup.length, 0);
    startup.writeInt32BE(196608, 4);
    params.copy(startup, 8);
    // An SSL request is declined (one byte), then the session starts in plain text.
    raw.write(Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]));
    await new Promise((r) => raw.once('data', r));
    expect(replies.shift()!.toString()).toBe('N');
    raw.write(startup);
    raw.write(message('Q', Buffer.from('BEGIN\0')));
    // A Parse of an insert, and no Sync: the query is still under way when the client goes.
    raw.write(message('P', Buffer.from('\0INSERT INTO t VALUES (4)\0\0\0')));
    await new Promise((r) => setTimeout(r, 100));
    raw.destroy();
    const b = await client();
    expect(await count(b)).toBe(1); // the row of the last test, not 4
    expect((await b.query('SELECT 5 AS n')).rows).toEqual([{ n: 5 }]);
  });

  it('a 4 MB parameter arrives whole', async () => {
    const c = await client();
    const text = 'x'.repeat(4_000_000);
    expect((await c.query('SELECT length($1::text) AS n', [text])).rows).toEqual([{ n: 4_000_000 }]);
  });
});
