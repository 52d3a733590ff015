// The classes of input that gave 500s (issue 11): each is refused with a 4xx in the API's error shape,
// naming the field, and writes nothing; a write and its audit record commit together or not at all.
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { enrolAgent, hostFacts, leasedLoadRun, type TestAgent } from '../support/agent-calls.ts';
import { changedTables, fingerprint, fingerprintQuery } from '../support/db-fingerprint.ts';

type Inject = InjectOptions;

/** JSON text nested `depth` levels deep (built as text: JSON.stringify itself overflows the stack). */
const nested = (depth: number) => '[{"a":'.repeat(depth / 2) + '1' + '}]'.repeat(depth / 2);
/** A JSON body with `deep` spliced in as the value of `at` (a top-level field or a dotted path). */
const withDeep = (body: object, path: string, deep: string) => {
  const marker = '"__deep__"';
  const copy = structuredClone(body) as Record<string, unknown>;
  const keys = path.split('.');
  let into = copy;
  for (const k of keys.slice(0, -1)) into = into[k] as Record<string, unknown>;
  into[keys.at(-1)!] = '__deep__';
  return JSON.stringify(copy).replace(marker, deep);
};
const json = { 'content-type': 'application/json' };

describe('hostile input: 4xx naming the field, nothing written', () => {
  let s: TestServer;
  let admin: Record<string, string>;
  let query: string;
  let tx: TestAgent;
  let rx: TestAgent;
  let rxJob: { id: string };

  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true, agentHeartbeatSeconds: 3600 });
    admin = await s.as('admin');
    tx = await enrolAgent(s, 'tx', ['eth0']);
    rx = await enrolAgent(s, 'rx', ['eth0']);
    rxJob = { id: (await leasedLoadRun(s, admin, tx, rx)).rxJob };
    query = await fingerprintQuery(s.ctx.db.sql);
  });
  afterAll(() => s?.destroy());

  /** Sends a request that must be refused with `status`, naming `field`, and change no row. */
  async function refused(req: Inject, status: number, field?: string | RegExp) {
    const before = await fingerprint(s.ctx.db.sql, query);
    const res = await s.app.inject({ headers: admin, ...req });
    expect(res.statusCode, res.body).toBe(status);
    const body = res.json();
    expect(body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    if (typeof field === 'string') expect(body.field).toBe(field);
    else if (field) expect(body.field).toMatch(field);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(changedTables(before, await fingerprint(s.ctx.db.sql, query))).toEqual([]);
    return body;
  }
  const agentCall = (a: TestAgent, url: string, payload: object): Inject => ({
    method: 'POST',
    url,
    headers: { authorization: `Agent ${a.key}` },
    payload,
  });
  const results = (data: unknown, over: object = {}) => ({
    results: [{ id: randomUUID(), kind: 'stream', at: Date.now(), data, ...over }],
  });

  it('NUL characters in path, query and body strings, and in object keys', async () => {
    await refused({ method: 'GET', url: '/api/targets/%00' }, 400, 'id');
    await refused({ method: 'GET', url: '/api/audit?entity=a%00b' }, 400, 'entity');
    const nul = await refused(
      { method: 'POST', url: '/api/targets', payload: { address: '2001:db8::5', comment: 'a\u0000b' } },
      400,
      'comment',
    );
    expect(nul.message).toMatch(/NUL/);
    await refused(
      agentCall(tx, '/api/agent/heartbeat', { t0: Date.now(), facts: hostFacts('h\u0000') }),
      400,
      'facts.hostname',
    );
    await refused(
      agentCall(rx, `/api/agent/jobs/${rxJob.id}/results`, results({ note: 'x\u0000' })),
      400,
      'results[0].data.note',
    );
    await refused(
      { method: 'POST', url: '/api/tasks', payload: { name: 'k', kind: 'noop', args: { 'a\u0000': 1 } } },
      400,
      'args',
    );
  });

  it('lone surrogates: refused before anything is written (API and enrolment tokens)', async () => {
    await refused({ method: 'POST', url: '/api/tokens', payload: { name: 'lone\ud800x' } }, 400, 'name');
    await refused(
      { method: 'POST', url: '/api/agents/enrolment-tokens', payload: { name: '\udc00' } },
      400,
      'name',
    );
    // a well-formed pair (an emoji) is fine
    const ok = await s.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: admin,
      payload: { name: 'ok \ud83d\ude00' },
    });
    expect(ok.statusCode).toBe(201);
    expect((await s.app.inject({ method: 'GET', url: '/api/tokens', headers: admin })).statusCode).toBe(200);
  });

  it('JSON nested thousands of levels deep in free-form fields', async () => {
    const deep = nested(3000);
    await refused(
      {
        method: 'POST',
        url: '/api/tasks',
        headers: { ...admin, ...json },
        payload: withDeep({ name: 'd', kind: 'noop', args: 0 }, 'args', deep),
      },
      400,
      /^args/,
    );
    await refused(
      {
        method: 'POST',
        url: '/api/agent/heartbeat',
        headers: { authorization: `Agent ${tx.key}`, ...json },
        payload: withDeep({ t0: Date.now(), facts: hostFacts('tx') }, 'facts.policy', deep),
      },
      400,
      /^facts\.policy/,
    );
    await refused(
      {
        method: 'POST',
        url: `/api/agent/jobs/${rxJob.id}/results`,
        headers: { authorization: `Agent ${rx.key}`, ...json },
        payload: withDeep(
          results(0),
          'results',
          `[{"id":"${randomUUID()}","kind":"stream","at":1,"data":${deep}}]`,
        ),
      },
      400,
      /^results\[0\]\.data/,
    );
    await refused(
      {
        method: 'POST',
        url: '/api/templates',
        headers: { ...admin, ...json },
        payload: withDeep(
          { definition: { name: 'deep', fields: [], defaults: { x: 0 } } },
          'definition.defaults.x',
          deep,
        ),
      },
      400,
      /^definition\.defaults/,
    );
    // a whole body that deep
    await refused(
      { method: 'POST', url: '/api/targets', headers: { ...admin, ...json }, payload: nested(6000) },
      400,
      /^body\[0\]/,
    );
  });

  it('numbers and dates the database cannot store', async () => {
    await refused({ method: 'GET', url: '/api/audit?before=99999999999999999999999999' }, 400, 'before');
    // ajv coerces these texts to Infinity and let it through: an endless count, a take of Infinity
    await refused({ method: 'GET', url: '/api/audit?limit=Infinity' }, 400, 'limit');
    await refused(
      { method: 'GET', url: '/api/cron/next-runs?cron=*%20*%20*%20*%20*&count=1e400' },
      400,
      'count',
    );
    await refused({ method: 'GET', url: '/api/devices/d1?fdbLimit=-1e400' }, 400, 'fdbLimit');
    await refused({ method: 'GET', url: '/api/templates/udp?version=2147483648' }, 400, 'version');
    await refused({ method: 'GET', url: `/api/jobs/${rxJob.id}/results?attempt=2147483648` }, 400, 'attempt');
    for (const at of ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59'])
      for (const url of [
        `/api/topology?layer=l2&at=${encodeURIComponent(at)}`,
        `/api/devices/d1?at=${encodeURIComponent(at)}`,
        `/api/search?q=x&at=${encodeURIComponent(at)}`,
      ])
        await refused({ method: 'GET', url }, 400, 'at');
    // the earliest and latest storable instants are fine (no snapshot there: 404)
    for (const at of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z'])
      await refused({ method: 'GET', url: `/api/topology?layer=l2&at=${at}` }, 404);
    await refused(
      agentCall(rx, `/api/agent/jobs/${rxJob.id}/results`, results({}, { at: 1e300 })),
      400,
      'results[0].at',
    );
    await refused(
      agentCall(rx, `/api/agent/jobs/${rxJob.id}/results`, results({}, { attempt: 2 ** 31 })),
      400,
      'results[0].attempt',
    );
    await refused(
      agentCall(tx, '/api/agent/heartbeat', { t0: Date.now(), clock: { offsetMs: 1e300, rttMs: 1 } }),
      400,
      'clock.offsetMs',
    );
  });

  it('renaming a sequence to a taken name is a 409 naming the field, and the database stays usable', async () => {
    const definition = {
      participants: [{ name: 'tx', agent: 'tx', interface: 'eth0' }],
      steps: [{ op: 'send', from: 'tx', message: { template: 'ethernet', values: {} } }],
    };
    const post = (name: string) =>
      s.app.inject({ method: 'POST', url: '/api/sequences', headers: admin, payload: { name, definition } });
    expect((await post('first')).statusCode).toBe(201);
    const second = (await post('second')).json();
    const body = await refused(
      { method: 'PUT', url: `/api/sequences/${second.id}`, payload: { name: 'first', definition } },
      409,
      'name',
    );
    expect(body.error).toBe('conflict');
    // the request after a database error is answered (the embedded database's connection survives it)
    const list = await s.app.inject({ method: 'GET', url: '/api/sequences', headers: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().find((q: { id: string }) => q.id === second.id)).toMatchObject({
      name: 'second',
      version: 1,
    });
  });

  it('bodies are not coerced: users named true, -1 or 1.5 are refused; query strings still are', async () => {
    for (const username of [true, -1, 1.5])
      await refused(
        {
          method: 'POST',
          url: '/api/users',
          payload: { username, password: 'password-123', role: 'viewer' },
        },
        400,
        'username',
      );
    await refused(
      { method: 'POST', url: '/api/tokens', payload: { name: 'x', expiresInDays: '5' } },
      400,
      'expiresInDays',
    );
    const coerced = await s.app.inject({ method: 'GET', url: '/api/audit?limit=2', headers: admin });
    expect(coerced.statusCode).toBe(200);
    expect(coerced.json()).toHaveLength(2);
  });

  it('a final result must say how the job ended: string data is refused', async () => {
    for (const data of ['done', null, { ok: 'yes', message: 'x' }, { ok: true }])
      await refused(
        agentCall(rx, `/api/agent/jobs/${rxJob.id}/results`, results(data, { kind: 'final' })),
        400,
        /^results\[0\]\.data/,
      );
    const job = (await s.app.inject({ method: 'GET', url: `/api/jobs/${rxJob.id}`, headers: admin })).json();
    expect(job.state).toBe('leased');
  });
});

describe('a write and its audit record commit together or not at all', () => {
  let s: TestServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    admin = await s.as('admin');
  });
  afterAll(() => s?.destroy());

  it('when the audit record cannot be written, no write of any service stays', async () => {
    const query = await fingerprintQuery(s.ctx.db.sql);
    // A real database refusal of every audit row, whatever the cause would be in production.
    await s.ctx.db.sql.exec(`
      CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$;
      CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events
        FOR EACH ROW EXECUTE FUNCTION test_refuse_audit();`);
    try {
      const writes: Inject[] = [
        { method: 'POST', url: '/api/tokens', payload: { name: 'tok' } },
        { method: 'POST', url: '/api/agents/enrolment-tokens', payload: { name: 'enrol' } },
        { method: 'PUT', url: '/api/agents/enrolment', payload: { blocked: true } },
        {
          method: 'POST',
          url: '/api/users',
          payload: { username: 'u1', password: 'password-123', role: 'viewer' },
        },
        {
          method: 'POST',
          url: '/api/targets',
          payload: { address: '2001:db8::7', credential: { version: 'v2c', community: 'c' } },
        },
        {
          method: 'POST',
          url: '/api/targets/import',
          payload: { text: '2001:db8::8 public\n2001:db8::9 public' },
        },
        {
          method: 'POST',
          url: '/api/credentials',
          payload: { credential: { version: 'v2c', community: 'other' } },
        },
        { method: 'POST', url: '/api/tasks', payload: { name: 't', kind: 'noop', args: {} } },
        { method: 'POST', url: '/api/templates', payload: { definition: { name: 'tpl', fields: [] } } },
      ];
      for (const w of writes) {
        const before = await fingerprint(s.ctx.db.sql, query);
        const res = await s.app.inject({ headers: admin, ...w });
        expect(res.statusCode, `${w.method} ${w.url}: ${res.body}`).toBe(500);
        expect(res.json()).toEqual({ error: 'internal', message: 'internal server error' });
        expect(changedTables(before, await fingerprint(s.ctx.db.sql, query)), `${w.method} ${w.url}`).toEqual(
          [],
        );
      }
    } finally {
      await s.ctx.db.sql.exec(
        'DROP TRIGGER test_refuse_audit ON audit_events; DROP FUNCTION test_refuse_audit();',
      );
    }
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: admin,
      payload: { name: 'tok' },
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('router-level errors have the error shape and a request id', () => {
  let s: TestServer;
  let port: number;
  beforeAll(async () => {
    s = await startTestServer();
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    port = (s.app.server.address() as { port: number }).port;
  });
  afterAll(() => s?.destroy());

  /** A raw HTTP exchange on loopback: Node's parser errors never reach app.inject. */
  const raw = (request: string) =>
    new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head = '', body = ''] = text.split('\r\n\r\n');
        resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
      });
      socket.end(request);
    });

  it('a URL that does not decode: 400 naming the url', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/api/targets/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'bad_request',
      message: expect.stringMatching(/^url: /),
      field: 'url',
    });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('headers too large: 431; a malformed request: 400; both in the shape with x-request-id', async () => {
    const big = await raw(`GET /api/version HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`);
    expect(big.status).toBe(431);
    expect(JSON.parse(big.body)).toMatchObject({ error: 'headers_too_large', field: 'headers' });
    expect(big.headers).toMatch(/x-request-id: [0-9a-f-]{36}/);
    const bad = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ error: 'bad_request', message: expect.any(String) });
    expect(bad.headers).toMatch(/x-request-id: /);
  });
});
