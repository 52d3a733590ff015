// No response and no log line may carry a stored community or key, whatever the route or outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const SECRETS = [
  'c0mmunity-ALPHA',
  'c0mmunity-BRAVO',
  'authkey-CHARLIE',
  'privkey-DELTA',
  'authkey-ECHO',
  'default-FOXTROT',
];

describe('secrets never leave the server', () => {
  let s: TestServer;
  const bodies: string[] = [];
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.destroy());

  it('keeps communities and keys out of every response and log line', async () => {
    const op = await s.as('operator');
    const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
      const res = await s.app.inject({ method, url, headers: op, ...(payload && { payload }) });
      bodies.push(`${res.statusCode} ${JSON.stringify(res.headers)} ${res.body}`);
      return res;
    };
    const t = (
      await call('POST', '/api/targets', {
        address: '192.0.2.10',
        credential: { version: 'v2c', community: 'c0mmunity-ALPHA' },
      })
    ).json();
    await call('POST', '/api/credentials', {
      credential: {
        version: 'v3',
        user: 'ops',
        authProtocol: 'sha',
        authKey: 'authkey-CHARLIE',
        privProtocol: 'aes',
        privKey: 'privkey-DELTA',
      },
    });
    await call('POST', '/api/targets/import', {
      text: '192.0.2.11 c0mmunity-BRAVO\n192.0.2.12',
      defaultCommunity: 'default-FOXTROT',
    });
    // Failing requests carrying secrets: bad lines, bad fields, conflicts.
    await call('POST', '/api/targets/import', {
      text: '192.0.2.999 c0mmunity-BRAVO\n2001:db8::1 v3 ops md6 authkey-ECHO',
    });
    await call('POST', '/api/targets', {
      address: 'nonsense',
      credential: { version: 'v2c', community: 'c0mmunity-ALPHA' },
    });
    await call('POST', '/api/targets', {
      address: '192.0.2.10',
      credential: { version: 'v2c', community: 'c0mmunity-ALPHA' },
    });
    await call('POST', '/api/credentials', {
      credential: {
        version: 'v3',
        user: 'ops',
        authProtocol: 'sha',
        authKey: 'authkey-ECHO',
        privProtocol: 'rot',
        privKey: 'privkey-DELTA',
      },
    });
    await call('PATCH', `/api/targets/${t.id}`, {
      credential: { version: 'v2c', community: 'c0mmunity-BRAVO' },
    });
    await call('GET', '/api/targets');
    await call('GET', `/api/targets/${t.id}`);
    await call('GET', '/api/credentials');
    bodies.push(
      (await s.app.inject({ method: 'GET', url: '/api/audit', headers: await s.as('admin') })).body,
    );

    expect(bodies.length).toBeGreaterThan(10);
    expect(s.logs.length).toBeGreaterThan(20);
    const everything = [...bodies, ...s.logs].join('\n');
    for (const secret of SECRETS) expect(everything, `leaked ${secret}`).not.toContain(secret);
    // And at rest: the database holds ciphertext only.
    const rows = JSON.stringify(await s.ctx.db.prisma.credential.findMany());
    for (const secret of SECRETS) expect(rows).not.toContain(secret);
    // The credentials do work: the poller can open them.
    const { openCredential } = await import('../../src/services/credentials.ts');
    const stored = await s.ctx.db.prisma.credential.findMany();
    const opened = stored.map((c) => JSON.stringify(openCredential(s.ctx.secrets, c)));
    expect(opened.join()).toContain('c0mmunity-BRAVO');
    expect(opened.join()).toContain('privkey-DELTA');
  });

  it('redacts tokens and cookies in request logs', async () => {
    const admin = await s.as('admin');
    const tok = (
      await s.app.inject({ method: 'POST', url: '/api/tokens', headers: admin, payload: { name: 'logtest' } })
    ).json().token as string;
    await s.app.inject({
      method: 'GET',
      url: '/api/targets',
      headers: { authorization: `Bearer ${tok}`, cookie: 'ns_session=cookie-GOLF' },
    });
    expect(s.logs.join('\n')).not.toContain(tok);
    expect(s.logs.join('\n')).not.toContain('cookie-GOLF');
    // Every request line carries its request id.
    const requestLines = s.logs.map((l) => JSON.parse(l)).filter((l) => l.req || l.res);
    expect(requestLines.length).toBeGreaterThan(0);
    expect(requestLines.every((l) => typeof l.reqId === 'string')).toBe(true);
  });
});
