import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/test-server.ts';

describe('authentication and roles', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ loginRateLimit: 5 });
  });
  afterAll(() => s?.destroy());

  const login = (username: string, password: string) =>
    s.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password },
      remoteAddress: `10.9.${username.length}.1`,
    });

  it('logs in with a session cookie that is httpOnly and works for /api/auth/me', async () => {
    const res = await login('admin', ADMIN_PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'ns_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    const me = await s.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: `ns_session=${cookie.value}` },
    });
    expect(me.json()).toMatchObject({ username: 'admin', role: 'admin', via: 'session' });
    const out = await s.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: `ns_session=${cookie.value}` },
    });
    expect(out.statusCode).toBe(204);
    const after = await s.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { cookie: `ns_session=${cookie.value}` },
    });
    expect(after.statusCode).toBe(401);
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    const res = await login('admin', 'nope-nope');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'unauthenticated', message: 'wrong username or password' });
  });

  it('rate-limits login attempts per client', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      codes.push(
        (
          await s.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { username: 'x', password: 'y' },
            remoteAddress: '10.1.1.1',
          })
        ).statusCode,
      );
    }
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429]);
    const other = await s.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'x', password: 'y' },
      remoteAddress: '10.1.1.2',
    });
    expect(other.statusCode).toBe(401);
  });

  it('requires authentication on /api routes but not on health and docs', async () => {
    expect((await s.app.inject({ method: 'GET', url: '/api/targets' })).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready' });
    expect((await s.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'GET', url: '/api/version' })).json()).toMatchObject({
      version: expect.any(String),
    });
  });

  it('checks roles: a viewer reads but cannot write, an operator cannot manage users', async () => {
    const viewer = await s.as('viewer');
    const operator = await s.as('operator');
    expect((await s.app.inject({ method: 'GET', url: '/api/targets', headers: viewer })).statusCode).toBe(
      200,
    );
    const write = await s.app.inject({
      method: 'POST',
      url: '/api/targets',
      headers: viewer,
      payload: { address: '192.0.2.1' },
    });
    expect(write.statusCode).toBe(403);
    expect(write.json().message).toMatch(/needs the operator role; you are viewer/);
    expect((await s.app.inject({ method: 'GET', url: '/api/targets', headers: viewer })).json()).toEqual([]);
    expect((await s.app.inject({ method: 'GET', url: '/api/users', headers: operator })).statusCode).toBe(
      403,
    );
    expect((await s.app.inject({ method: 'GET', url: '/api/audit', headers: operator })).statusCode).toBe(
      403,
    );
  });

  it('refuses revoked and expired tokens and malformed Authorization headers', async () => {
    const admin = await s.as('admin');
    const created = (
      await s.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: admin,
        payload: { name: 'short-lived' },
      })
    ).json();
    expect(created.token).toMatch(/^nst_/);
    const bearer = { authorization: `Bearer ${created.token}` };
    expect((await s.app.inject({ method: 'GET', url: '/api/users', headers: bearer })).statusCode).toBe(200);
    // Listing never shows the secret.
    const list = await s.app.inject({ method: 'GET', url: '/api/tokens', headers: admin });
    expect(list.body).not.toContain(created.token);

    expect(
      (await s.app.inject({ method: 'DELETE', url: `/api/tokens/${created.info.id}`, headers: admin }))
        .statusCode,
    ).toBe(200);
    const revoked = await s.app.inject({ method: 'GET', url: '/api/users', headers: bearer });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().message).toBe('API token was revoked');

    const other = (
      await s.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: admin,
        payload: { name: 'expiring', expiresInDays: 1 },
      })
    ).json();
    await s.ctx.db.prisma.apiToken.update({
      where: { id: other.info.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await s.app.inject({
      method: 'GET',
      url: '/api/users',
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().message).toBe('API token expired');

    expect(
      (await s.app.inject({ method: 'GET', url: '/api/users', headers: { authorization: 'Basic abc' } }))
        .statusCode,
    ).toBe(401);
    expect(
      (
        await s.app.inject({
          method: 'GET',
          url: '/api/users',
          headers: { authorization: 'Bearer nst_unknown' },
        })
      ).json().message,
    ).toBe('unknown API token');
  });

  it('manages users, keeps the last admin, and audits it all', async () => {
    const admin = await s.as('admin');
    const created = await s.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: 'alice', password: 'alice-pass-1', role: 'operator' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.body).not.toContain('alice-pass-1');
    const dup = await s.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: 'alice', password: 'alice-pass-1', role: 'operator' },
    });
    expect(dup.statusCode).toBe(409);
    const short = await s.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: 'bob', password: 'short', role: 'viewer' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ field: 'password' });
    const badRole = await s.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: 'bob', password: 'long-enough', role: 'root' },
    });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().field).toBe('role');

    const adminUser = (await s.app.inject({ method: 'GET', url: '/api/users', headers: admin }))
      .json()
      .find((u: { username: string }) => u.username === 'admin');
    const demote = await s.app.inject({
      method: 'PATCH',
      url: `/api/users/${adminUser.id}`,
      headers: admin,
      payload: { role: 'viewer' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().message).toMatch(/last enabled admin/);

    const alice = created.json();
    expect(
      (
        await s.app.inject({
          method: 'PATCH',
          url: `/api/users/${alice.id}`,
          headers: admin,
          payload: { disabled: true },
        })
      ).json().disabled,
    ).toBe(true);
    expect((await login('alice', 'alice-pass-1')).statusCode).toBe(401);
    expect(
      (await s.app.inject({ method: 'DELETE', url: `/api/users/${alice.id}`, headers: admin })).statusCode,
    ).toBe(204);

    const audit = (
      await s.app.inject({ method: 'GET', url: '/api/audit?entity=user', headers: admin })
    ).json();
    expect(
      audit.map(
        (e: { action: string; details: { username: string } }) => `${e.action} ${e.details.username}`,
      ),
    ).toEqual(expect.arrayContaining(['create alice', 'update alice', 'delete alice']));
    expect(JSON.stringify(audit)).not.toContain('alice-pass-1');
  });

  it('lets a user change their own password with the current one', async () => {
    const admin = await s.as('admin');
    await s.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: 'carol', password: 'carol-pass-1', role: 'viewer' },
    });
    const res = await login('carol', 'carol-pass-1');
    const cookie = { cookie: `ns_session=${res.cookies.find((c) => c.name === 'ns_session')!.value}` };
    const wrong = await s.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: cookie,
      payload: { currentPassword: 'nope', newPassword: 'carol-pass-2' },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await s.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: cookie,
      payload: { currentPassword: 'carol-pass-1', newPassword: 'carol-pass-2' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await login('carol', 'carol-pass-2')).statusCode).toBe(200);
  });
});
