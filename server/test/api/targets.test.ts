import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('targets and credentials', () => {
  let s: TestServer;
  let op: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer({ maxTargetRange: 1024, bodyLimit: 64 * 1024 });
    op = await s.as('operator');
  });
  afterAll(() => s?.destroy());
  beforeEach(async () => {
    await s.ctx.db.prisma.target.deleteMany();
    await s.ctx.db.prisma.credential.deleteMany();
  });

  const post = (url: string, payload: unknown) =>
    s.app.inject({ method: 'POST', url, headers: op, payload: payload as object });
  const counts = async () => ({
    targets: await s.ctx.db.prisma.target.count(),
    credentials: await s.ctx.db.prisma.credential.count(),
  });

  it('creates, lists (masked), updates and deletes a target', async () => {
    const created = await post('/api/targets', {
      address: '[2001:DB8::0:1]',
      credential: { version: 'v2c', community: 'c0mmun1ty' },
      comment: 'core',
    });
    expect(created.statusCode).toBe(201);
    const t = created.json();
    expect(t).toMatchObject({
      address: '2001:db8::1',
      port: 161,
      comment: 'core',
      credential: { version: 'v2c', community: '********' },
    });
    const list = await s.app.inject({ method: 'GET', url: '/api/targets', headers: await s.as('viewer') });
    expect(list.json()).toHaveLength(1);
    const patched = await s.app.inject({
      method: 'PATCH',
      url: `/api/targets/${t.id}`,
      headers: op,
      payload: { port: 1161 },
    });
    expect(patched.json().port).toBe(1161);
    expect(
      (await s.app.inject({ method: 'DELETE', url: `/api/targets/${t.id}`, headers: op })).statusCode,
    ).toBe(204);
    expect((await s.app.inject({ method: 'GET', url: `/api/targets/${t.id}`, headers: op })).statusCode).toBe(
      404,
    );
  });

  it('stores v3 credentials encrypted and returns them masked', async () => {
    const res = await post('/api/credentials', {
      name: 'core v3',
      credential: {
        version: 'v3',
        user: 'netops',
        authProtocol: 'SHA256',
        authKey: 'auth-key-secret',
        privProtocol: 'aes',
        privKey: 'priv-key-secret',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      user: 'netops',
      authProtocol: 'sha256',
      authKey: '********',
      privProtocol: 'aes',
      privKey: '********',
    });
    const row = await s.ctx.db.prisma.credential.findFirstOrThrow();
    expect(row.authKeyEnc).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain('auth-key-secret');
    const again = await post('/api/credentials', {
      credential: {
        version: 'v3',
        user: 'netops',
        authProtocol: 'sha256',
        authKey: 'auth-key-secret',
        privProtocol: 'aes',
        privKey: 'priv-key-secret',
      },
    });
    expect(again.statusCode).toBe(409);
  });

  it.each([
    [{ address: '10.0.0.256' }, 'address', /not an IPv4 or IPv6 address/],
    [{ address: '2001:db8::g' }, 'address', /not an IPv4 or IPv6 address/],
    [{ address: '10.0.0.0/8' }, 'address', /16777216 addresses, more than the limit of 1024/],
    [{ address: '2001:db8::/64' }, 'address', /more than the limit/],
    [{ address: '192.0.2.1', port: 70000 }, 'port', /must be <= 65535/],
    [{ address: '192.0.2.1', colour: 'red' }, 'colour', /unknown field/],
    [
      {
        address: '192.0.2.1',
        credential: { version: 'v3', user: 'u', authProtocol: 'md6', authKey: 'abcdefgh12' },
      },
      'credential.authProtocol',
      /unknown auth protocol "md6"/,
    ],
    [
      {
        address: '192.0.2.1',
        credential: {
          version: 'v3',
          user: 'u',
          authProtocol: 'sha',
          authKey: 'abcdefgh12',
          privProtocol: 'rot13',
          privKey: 'abcdefgh12',
        },
      },
      'credential.privProtocol',
      /unknown privacy protocol/,
    ],
    [
      {
        address: '192.0.2.1',
        credential: { version: 'v3', user: 'u', authProtocol: 'sha', authKey: 'short' },
      },
      'credential.authKey',
      /at least 8/,
    ],
    [{ address: '192.0.2.1', credential: { version: 'v2c' } }, 'credential.community', /required for v2c/],
    [
      { address: '192.0.2.1', credential: { version: 'v2c', community: 'x', authKey: 'abcdefgh12' } },
      'credential.authKey',
      /only used with v3/,
    ],
  ])('refuses %j naming the field', async (payload, field, message) => {
    const res = await post('/api/targets', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
    expect(res.json().message).toMatch(message);
    expect(res.body).not.toMatch(/abcdefgh12/);
    expect(await counts()).toEqual({ targets: 0, credentials: 0 });
  });

  it('refuses an oversize body with 413 and writes nothing', async () => {
    const res = await post('/api/targets/import', { text: '192.0.2.1 public\n'.repeat(5000) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'payload_too_large' });
    expect(await counts()).toEqual({ targets: 0, credentials: 0 });
  });

  describe('bulk import', () => {
    const list = [
      '# lab routers',
      '192.0.2.1 public',
      '192.0.2.2',
      '[2001:db8::1] v3 netops sha authkey-123 aes privkey-123',
      '2001:db8:1::/126 lab-ro',
      '192.0.2.1 public   # again: merged',
      '',
    ].join('\n');

    it('imports a clean list, merging duplicates and identical credentials', async () => {
      const res = await post('/api/targets/import', { text: list, defaultCommunity: 'dflt' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        created: 4,
        updated: 0,
        unchanged: 0,
        duplicates: 1,
        credentialsCreated: 4,
        errors: [],
      });
      const again = await post('/api/targets/import', { text: list, defaultCommunity: 'dflt' });
      expect(again.json()).toMatchObject({ created: 0, unchanged: 4, credentialsCreated: 0 });
      expect(await counts()).toEqual({ targets: 4, credentials: 4 });
      const targets = (await s.app.inject({ method: 'GET', url: '/api/targets', headers: op })).json();
      expect(targets.map((t: { address: string }) => t.address).sort()).toEqual([
        '192.0.2.1',
        '192.0.2.2',
        '2001:db8:1::/126',
        '2001:db8::1',
      ]);
    });

    const bad = [
      '192.0.2.1 public',
      '192.0.2.300 public',
      '10.0.0.0/16 x',
      '2001:db8::5 v3 u md6 somekey123',
      '192.0.2.3 a b c',
    ].join('\n');

    it('imports nothing when a line is bad, listing every bad line', async () => {
      const res = await post('/api/targets/import', { text: bad });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body).toMatchObject({ error: 'invalid_lines', field: 'text' });
      expect(body.lines.map((l: { line: number }) => l.line)).toEqual([2, 3, 4, 5]);
      expect(body.lines[0].reason).toMatch(/not an IPv4/);
      expect(body.lines[1].reason).toMatch(/more than the limit of 1024/);
      expect(body.lines[2].reason).toMatch(/unknown auth protocol "md6"/);
      expect(body.message).toMatch(/line 2: .*line 5:/);
      expect(res.body).not.toContain('somekey123');
      expect(await counts()).toEqual({ targets: 0, credentials: 0 });
    });

    it('imports the good lines with ?partial=true and still lists the bad', async () => {
      const res = await post('/api/targets/import?partial=true', { text: bad });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        created: 1,
        errors: [{ line: 2 }, { line: 3 }, { line: 4 }, { line: 5 }],
      });
      expect(await counts()).toEqual({ targets: 1, credentials: 1 });
    });

    it('numbers the bad lines of a long list by their place in the whole list', async () => {
      // 4,100 lines (parsed in steps, written in several batches), bad ones far apart.
      const lines = Array.from({ length: 4100 }, (_, i) => `10.${i >> 8}.${i & 255}.1 c${i % 3}`);
      lines[2500] = '10.9.300.1 c0';
      lines[4099] = '192.0.2.1 a b c';
      const res = await post('/api/targets/import?partial=true', { text: lines.join('\n') });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        created: 4098,
        credentialsCreated: 3,
        errors: [{ line: 2501 }, { line: 4100 }],
      });
    });
  });

  describe('several credentials at one address and port, ports in lists, unused credentials', () => {
    it('takes ADDRESS:PORT lines and keeps one target per credential at the same address and port', async () => {
      const text = [
        '127.0.0.1:16161 alpha',
        '127.0.0.1:16161 beta',
        '[2001:db8::7]:1161 gamma',
        '127.0.0.1:16161 alpha',
      ].join('\n');
      const res = await post('/api/targets/import', { text });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ created: 3, duplicates: 1, credentialsCreated: 3 });
      const targets = (await s.app.inject({ method: 'GET', url: '/api/targets', headers: op })).json();
      // Two credentials made for one address are told apart by name.
      expect(
        targets
          .map((t: { address: string; port: number; credential: { name: string } }) => [
            t.address,
            t.port,
            t.credential.name,
          ])
          .sort((a: string[], b: string[]) => String(a).localeCompare(String(b))),
      ).toEqual([
        ['127.0.0.1', 16161, 'v2c for 127.0.0.1'],
        ['127.0.0.1', 16161, 'v2c for 127.0.0.1 #2'],
        ['2001:db8::7', 1161, 'v2c for 2001:db8::7'],
      ]);
      // The one-target form refuses only the same credential twice.
      const cred = targets[0].credential.id as string;
      const twin = await post('/api/targets', { address: '127.0.0.1', port: 16161, credentialId: cred });
      expect(twin.statusCode).toBe(409);
      expect(twin.json()).toMatchObject({
        field: 'address',
        message: expect.stringMatching(/with this credential/),
      });
    });

    it('sorts addresses as numbers and tells the browser the range limit', async () => {
      await post('/api/targets/import', {
        text: ['192.0.2.10 a', '192.0.2.2 a', '192.0.2.1 a', '10.0.0.9 a'].join('\n'),
      });
      const targets = (await s.app.inject({ method: 'GET', url: '/api/targets', headers: op })).json();
      expect(targets.map((t: { address: string }) => t.address)).toEqual([
        '10.0.0.9',
        '192.0.2.1',
        '192.0.2.2',
        '192.0.2.10',
      ]);
      const limits = await s.app.inject({ method: 'GET', url: '/api/targets/limits', headers: op });
      expect(limits.json()).toEqual({ maxTargetRange: 1024 });
    });

    it('removes a credential made for a list once no target uses it, and keeps named ones', async () => {
      await post('/api/targets/import', { text: '192.0.2.5 auto-one' });
      const named = (
        await post('/api/credentials', { name: 'core', credential: { version: 'v2c', community: 'kept' } })
      ).json();
      const withNamed = (await post('/api/targets', { address: '192.0.2.6', credentialId: named.id })).json();
      const [auto] = (await s.app.inject({ method: 'GET', url: '/api/targets', headers: op })).json();
      expect(auto.credential.name).toBe('v2c for 192.0.2.5');
      expect(
        (await s.app.inject({ method: 'DELETE', url: `/api/targets/${auto.id}`, headers: op })).statusCode,
      ).toBe(204);
      expect(
        (await s.app.inject({ method: 'DELETE', url: `/api/targets/${withNamed.id}`, headers: op }))
          .statusCode,
      ).toBe(204);
      const creds = (await s.app.inject({ method: 'GET', url: '/api/credentials', headers: op })).json();
      expect(creds.map((c: { name: string }) => c.name)).toEqual(['core']);
    });
  });
});
