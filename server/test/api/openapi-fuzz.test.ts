// Fuzzes every operation of the served OpenAPI document with bad input derived from its schemas (see
// support/openapi-fuzz.ts), through app.inject on a real server and database: no response may be a 5xx,
// every 4xx has the error shape and a request id, and no 4xx changes a row of any table.
// FUZZ_SEED picks another reproducible run; FUZZ_RANDOM_PER_OP sets the random cases per operation;
// FUZZ_TRACE=file appends each request and its status to a file as it goes (to find a hanging one).
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  enrolAgent,
  hostFacts,
  leasedLoadRun,
  newToken,
  secretOf,
  type TestAgent,
} from '../support/agent-calls.ts';
import { changedTables, fingerprint, fingerprintQuery, type Fingerprint } from '../support/db-fingerprint.ts';
import {
  mutations,
  operations,
  randomMutations,
  sample,
  toRequest,
  type Case,
  type Draft,
  type Operation,
} from '../support/openapi-fuzz.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 1104);
const RANDOM_PER_OP = Number(process.env.FUZZ_RANDOM_PER_OP ?? 25);
/** FUZZ_ONLY=/api/targets fuzzes only the operations whose path contains it (to reproduce a failure). */
const ONLY = process.env.FUZZ_ONLY;
/** The CI-sized run must stay at least this large. */
const MIN_REQUESTS = 5000;

type Identity = 'admin' | 'operator' | 'viewer' | 'none' | 'tx' | 'rx';

describe('OpenAPI fuzz: no 5xx, the error shape on every 4xx, no row changed by a 4xx', () => {
  let s: TestServer;
  const auth = {} as Record<Identity, Record<string, string>>;
  const ids: Record<string, string> = {};
  let tx: TestAgent;
  let rx: TestAgent;

  const call = async (method: string, url: string, payload?: object, identity: Identity = 'admin') => {
    const res = await s.app.inject({
      method: method as 'GET',
      url,
      headers: auth[identity],
      ...(payload && { payload }),
    });
    if (res.statusCode >= 400) throw new Error(`seeding ${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.body ? res.json() : undefined;
  };

  const definition = {
    participants: [{ name: 'tx', agent: 'tx', interface: 'eth0' }],
    steps: [{ op: 'send', from: 'tx', message: { template: 'ethernet', values: {} } }],
  };
  const template = { name: 'fz', fields: [{ name: 'a', type: 'uint', bits: 8 }] };

  const trace = (line: string) =>
    process.env.FUZZ_TRACE && appendFileSync(process.env.FUZZ_TRACE, `${line}\n`);
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true, agentHeartbeatSeconds: 3600, loginRateLimit: 10_000 });
    auth.admin = await s.as('admin');
    auth.operator = await s.as('operator');
    auth.viewer = await s.as('viewer');
    auth.none = {};
    tx = await enrolAgent(s, 'tx', ['eth0']);
    rx = await enrolAgent(s, 'rx', ['eth0']);
    ids.victimAgent = (await enrolAgent(s, 'victim')).id;
    auth.tx = { authorization: `Agent ${tx.key}` };
    auth.rx = { authorization: `Agent ${rx.key}` };
    ids.enrolSecret = secretOf(await newToken(s, 'fz-enrol'));
    ids.target = (await call('POST', '/api/targets', { address: '2001:db8::1' })).id;
    ids.credential = (
      await call('POST', '/api/credentials', { credential: { version: 'v2c', community: 'fz' } })
    ).id;
    ids.task = (await call('POST', '/api/tasks', { name: 'fz', kind: 'noop', args: {} })).id;
    ids.schedule = (
      await call('POST', '/api/schedules', { taskId: ids.task, cron: '0 0 1 1 *', enabled: false })
    ).id;
    ids.sequence = (await call('POST', '/api/sequences', { name: 'fz', definition })).id;
    await call('POST', '/api/templates', { definition: template });
    ids.user = (
      await call('POST', '/api/users', { username: 'fz-user', password: 'password-123', role: 'viewer' })
    ).id;
    ids.token = (await call('POST', '/api/tokens', { name: 'fz', username: 'fz-user' })).info.id;
    // Results and barriers need a live job; leased for a day, so no sweep ends it (a write) meanwhile.
    const load = await leasedLoadRun(s, auth.admin, tx, rx);
    ids.run = load.runId;
    ids.job = load.rxJob;
  });
  afterAll(() => s?.destroy());

  /** Path parameters of real rows, so mutations of other parts reach past the lookup. */
  const pathValue = (op: Operation, name: string): string => {
    const p = op.path;
    if (name === 'name') return 'fz';
    if (name === 'device') return 'd1';
    if (p.startsWith('/api/agent/jobs/') || p.startsWith('/api/jobs/')) return ids.job!;
    if (p.endsWith('/events') || p.startsWith('/api/snapshots/')) return randomUUID(); // never a live stream
    const prefix: Record<string, string> = {
      '/api/targets/': ids.target!,
      '/api/credentials/': ids.credential!,
      '/api/tasks/': ids.task!,
      '/api/schedules/': ids.schedule!,
      '/api/runs/': ids.run!,
      '/api/users/': ids.user!,
      '/api/tokens/': ids.token!,
      '/api/agents/': ids.victimAgent!,
      '/api/sequences/': ids.sequence!,
    };
    return Object.entries(prefix).find(([k]) => p.startsWith(k))?.[1] ?? 'x';
  };

  /** Bodies the schemas alone do not make valid (domain rules), by operation. */
  const bodies = (): Record<string, unknown> => ({
    'POST /api/auth/login': { username: 'nobody', password: 'wrong-password' },
    'POST /api/auth/password': { currentPassword: 'not-the-password', newPassword: 'new-password-1' },
    'POST /api/users': { username: 'fz-new', password: 'password-123', role: 'viewer' },
    'PATCH /api/users/{id}': { disabled: false },
    'POST /api/tokens': { name: 'fz-token', username: 'fz-user' },
    'POST /api/credentials': { credential: { version: 'v2c', community: 'fz-other' } },
    'PATCH /api/credentials/{id}': { name: 'fz-cred' },
    'POST /api/targets': { address: '2001:db8::100', comment: 'c' },
    'PATCH /api/targets/{id}': { comment: 'c' },
    'POST /api/targets/import': { text: '2001:db8::200 public' },
    'POST /api/tasks': { name: 'fz-task', kind: 'noop', args: {} },
    'PATCH /api/tasks/{id}': { name: 'fz-renamed' },
    'POST /api/schedules': { taskId: ids.task, cron: '0 0 1 1 *', enabled: false },
    'PATCH /api/schedules/{id}': { enabled: false },
    'POST /api/templates': { definition: { ...template, name: 'fz2' } },
    'PUT /api/templates/{name}': { definition: template },
    'POST /api/frames/encode': { message: { template: 'udp', values: {} } },
    'POST /api/frames/decode': { hex: '00010002', template: 'udp' },
    'POST /api/agents/enrolment-tokens': { name: 'fz' },
    'PUT /api/agents/enrolment': { blocked: false },
    'POST /api/agent/enrol': { secret: ids.enrolSecret, name: 'fz-new', facts: hostFacts('fz-new') },
    'POST /api/agent/time': { t0: Date.now() },
    'POST /api/agent/heartbeat': { t0: Date.now() },
    'POST /api/agent/lease': { waitMs: 0 },
    'POST /api/agent/jobs/{id}/results': {
      results: [{ id: randomUUID(), kind: 'stream', at: Date.now(), data: {} }],
    },
    'POST /api/agent/jobs/{id}/barrier': { name: 'b', waitMs: 0 },
    'POST /api/sequences': { name: 'fz2', definition },
    'PUT /api/sequences/{id}': { definition },
  });
  const queries: Record<string, [string, string][]> = {
    'GET /api/topology': [['layer', 'l2']],
    'GET /api/search': [['q', 'x']],
    'GET /api/snapshots/diff': [
      ['from', 'a'],
      ['to', 'b'],
    ],
    'GET /api/cron/next-runs': [['cron', encodeURIComponent('* * * * *')]],
  };

  const baseOf = (op: Operation, given: Record<string, unknown>): Draft => {
    const key = `${op.method} ${op.path}`;
    return {
      params: Object.fromEntries(
        op.params.filter((p) => p.in === 'path').map((p) => [p.name, pathValue(op, p.name)]),
      ),
      query:
        queries[key] ??
        op.params
          .filter((p) => p.in === 'query' && p.required)
          .map((p) => [p.name, encodeURIComponent(String(sample(p.schema ?? {})))]),
      ...(op.body && { body: { json: key in given ? given[key] : sample(op.body) } }),
    };
  };
  const identityOf = (op: Operation): Identity =>
    op.path === '/api/agent/enrol'
      ? 'none'
      : op.path.startsWith('/api/agent/jobs/')
        ? 'rx'
        : op.path.startsWith('/api/agent/')
          ? 'tx'
          : 'admin';

  it(`sends at least ${MIN_REQUESTS} bad requests over every operation`, { timeout: 1_800_000 }, async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/docs/json' })).json();
    // Logging out would end the session the fuzz runs in; it takes no input to fuzz.
    const ops = operations(doc).filter(
      (op) => op.path !== '/api/auth/logout' && (!ONLY || op.path.includes(ONLY)),
    );
    const given = bodies();
    const runs: { c: Case; identity: Identity }[] = [];
    ops.forEach((op, i) => {
      const base = baseOf(op, given);
      const cases = [...mutations(op, base), ...randomMutations(op, base, RANDOM_PER_OP, SEED + i)];
      runs.push(...cases.map((c) => ({ c, identity: identityOf(op) })));
      // The same bad input from the other roles and from nobody: refused as early, in the same shape.
      if (identityOf(op) === 'admin')
        for (const identity of ['viewer', 'operator', 'none'] as const)
          runs.push(...cases.slice(0, 3).map((c) => ({ c, identity })));
    });
    if (!ONLY) expect(runs.length).toBeGreaterThanOrEqual(MIN_REQUESTS);

    const { sql } = s.ctx.db;
    const query = await fingerprintQuery(sql);
    // Any write moves the WAL position: when it stands still, no row changed and the checksum is skipped.
    const walPosition = async () =>
      (await sql.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn'))[0]!.lsn;
    const settle = async (): Promise<Fingerprint> => {
      // Work a 2xx started (a job closing its run) ends within moments; wait until rows stop changing.
      let last = await fingerprint(sql, query);
      for (let i = 0; i < 40; i++) {
        await new Promise((r) => setTimeout(r, 25));
        const now = await fingerprint(sql, query);
        if (changedTables(last, now).length === 0) return now;
        last = now;
      }
      return last;
    };

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const started = Date.now();
    let baseline = await settle();
    let wal = await walPosition();
    for (const { c, identity } of runs) {
      const { url, payload, contentType } = toRequest(c.op, c.draft);
      const label = `${identity} ${c.op.method} ${c.op.path} — ${c.what}`;
      const res = await s.app.inject({
        method: c.op.method as 'GET',
        url,
        headers: { ...auth[identity], ...(contentType && { 'content-type': contentType }) },
        ...(payload !== undefined && { payload }),
      });
      trace(`${Date.now() - started} ${label} ${res.statusCode}`);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const status = res.statusCode;
      if (status >= 500) failures.push(`${label}: ${status} ${res.body.slice(0, 200)}`);
      // A change may follow a successful write (a run closing): wait for it before the next check.
      if ((status < 400 && c.op.method !== 'GET') || status >= 500) {
        baseline = await settle();
        wal = await walPosition();
        continue;
      }
      if (status < 400) {
        // A read: re-baseline only if something wrote meanwhile.
        const now = await walPosition();
        if (now !== wal) [baseline, wal] = [await fingerprint(sql, query), now];
        continue;
      }
      let body: { error?: unknown; message?: unknown; field?: unknown } = {};
      try {
        body = res.json();
      } catch {
        failures.push(`${label}: ${status} is not JSON: ${res.body.slice(0, 100)}`);
      }
      if (
        typeof body.error !== 'string' ||
        typeof body.message !== 'string' ||
        !['string', 'undefined'].includes(typeof body.field)
      )
        failures.push(`${label}: ${status} not in the error shape: ${res.body.slice(0, 200)}`);
      if (!res.headers['x-request-id']) failures.push(`${label}: ${status} without x-request-id`);
      const now = await walPosition();
      if (now === wal) continue;
      const after = await fingerprint(sql, query);
      const changed = changedTables(baseline, after);
      if (changed.length) failures.push(`${label}: ${status} changed ${changed.join(', ')}`);
      baseline = after;
      wal = now;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([k, v]) => `${k}×${v}`);
    console.log(
      `openapi fuzz: ${runs.length} requests over ${ops.length} operations in ${seconds} s (seed ${SEED}): ${byStatus.join(' ')}`,
    );
    expect(failures.slice(0, 40), `${failures.length} failures`).toEqual([]);
  });
});
