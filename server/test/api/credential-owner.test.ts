// Who may point a stored credential at an address: its owner, or an admin (audited). An operator cannot
// attach an admin's credential, move a target that carries one, change it, or have a discovery follow
// neighbours with it; identical secrets of two users are two credentials, so creating one confirms
// nothing about another user's.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingParts } from '../../../test/support/system.ts';
import { startSnmpsim, SNMPSIM, type Snmpsim } from '../discovery/support/snmpsim.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const here = dirname(fileURLToPath(import.meta.url));

describe('credential ownership', () => {
  let s: TestServer;
  let admin: Record<string, string>;
  let op: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    admin = await s.as('admin');
    op = await s.as('operator');
  });
  afterAll(() => s?.destroy());

  const call = async (
    auth: Record<string, string>,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    url: string,
    payload?: object,
  ) => {
    const r = await s.app.inject({ method, url, headers: auth, ...(payload && { payload }) });
    return { status: r.statusCode, body: r.json() };
  };
  const v2c = (community: string) => ({ version: 'v2c', community });

  it('an identical secret of another user is a new credential, not a 409 that confirms it', async () => {
    const mine = await call(admin, 'POST', '/api/credentials', {
      name: 'site',
      credential: v2c('s3cret-site'),
    });
    expect(mine.status).toBe(201);
    const guess = await call(op, 'POST', '/api/credentials', {
      name: 'guess',
      credential: v2c('s3cret-site'),
    });
    expect(guess.status).toBe(201);
    expect(guess.body.id).not.toBe(mine.body.id);
    const again = await call(op, 'POST', '/api/credentials', {
      name: 'again',
      credential: v2c('s3cret-site'),
    });
    expect(again).toMatchObject({
      status: 409,
      body: { message: 'you already have an identical credential (guess)' },
    });
  });

  it("an operator may not attach, move, or change an admin's credential; an admin may, audited", async () => {
    const adminCred = (
      await call(admin, 'POST', '/api/credentials', { name: 'core', credential: v2c('core-secret') })
    ).body.id;
    const attach = await call(op, 'POST', '/api/targets', { address: '192.0.2.10', credentialId: adminCred });
    expect(attach).toMatchObject({ status: 403, body: { field: 'credentialId' } });
    expect(await s.ctx.db.prisma.target.count({ where: { address: '192.0.2.10' } })).toBe(0);

    const byAdmin = await call(admin, 'POST', '/api/targets', {
      address: '192.0.2.11',
      credentialId: adminCred,
    });
    expect(byAdmin.status).toBe(201);
    const move = await call(op, 'PATCH', `/api/targets/${byAdmin.body.id}`, { address: '198.51.100.7' });
    expect(move).toMatchObject({ status: 403, body: { field: 'address' } });
    expect((await s.ctx.db.prisma.target.findUniqueOrThrow({ where: { id: byAdmin.body.id } })).address).toBe(
      '192.0.2.11',
    );
    // Giving it a credential of one's own is fine; so is a comment that moves nothing.
    expect(
      (await call(op, 'PATCH', `/api/targets/${byAdmin.body.id}`, { comment: 'core router' })).status,
    ).toBe(200);
    const change = await call(op, 'PATCH', `/api/credentials/${adminCred}`, { credential: v2c('stolen') });
    expect(change.status).toBe(403);

    const opCred = (await call(op, 'POST', '/api/credentials', { name: 'op', credential: v2c('op-secret') }))
      .body.id;
    const adminAttaches = await call(admin, 'POST', '/api/targets', {
      address: '192.0.2.12',
      credentialId: opCred,
    });
    expect(adminAttaches.status).toBe(201);
    const audit = await s.ctx.db.prisma.auditEvent.findFirst({
      where: { entity: 'target', entityId: adminAttaches.body.id },
    });
    expect(audit?.details).toMatchObject({ foreignCredential: opCred });
  });

  it("an import merges only the importer's own credentials", async () => {
    await call(admin, 'POST', '/api/credentials', { name: 'bulk', credential: v2c('bulk-secret') });
    const r = await call(op, 'POST', '/api/targets/import', {
      text: '192.0.2.20 bulk-secret\n192.0.2.21 bulk-secret',
    });
    expect(r).toMatchObject({ status: 200, body: { created: 2, credentialsCreated: 1 } });
    const t = await s.ctx.db.prisma.target.findFirstOrThrow({
      where: { address: '192.0.2.20' },
      include: { credential: true },
    });
    expect(t.credential?.ownerId).toBe(
      (await s.ctx.db.prisma.user.findUniqueOrThrow({ where: { username: 'operator-user' } })).id,
    );
  });

  describe.skipIf(missingParts({ commands: [SNMPSIM ?? 'snmpsimd'] }))(
    'a discovery following neighbours',
    () => {
      let sim: Snmpsim;
      beforeAll(async () => {
        sim = await startSnmpsim({ 'follow-secret': join(here, '../discovery/recordings/follow-seed.rec') });
      });
      afterAll(() => sim?.stop());

      // The seed's LLDP neighbour has the management address 2001:db8:ff::2: following it sends credentials there.
      async function followRun(author: Record<string, string>, targetId: string) {
        const task = (
          await call(author, 'POST', '/api/tasks', {
            name: `follow-${Math.random()}`,
            kind: 'discovery',
            args: {
              targetIds: [targetId],
              follow: { depth: 1, allow: ['2001:db8:ff::/64'] },
              timeoutMs: 300,
              retries: 0,
            },
          })
        ).body;
        const run = (await call(author, 'POST', `/api/tasks/${task.id}/run`)).body;
        for (let i = 0; i < 150; i++) {
          const r = (await call(author, 'GET', `/api/runs/${run.id}`)).body;
          if (r.state !== 'queued' && r.state !== 'running')
            return r as { state: string; result: { report: { target: string }[] } };
          await new Promise((res) => setTimeout(res, 200));
        }
        throw new Error('run did not finish');
      }

      it('takes only credentials its author may point at new addresses', async () => {
        const cred = (
          await call(admin, 'POST', '/api/credentials', { name: 'seed', credential: v2c('follow-secret') })
        ).body.id;
        const target = (
          await call(admin, 'POST', '/api/targets', {
            address: '127.0.0.1',
            port: sim.port,
            credentialId: cred,
          })
        ).body.id;
        const byOperator = await followRun(op, target);
        expect(byOperator.state).toBe('succeeded');
        expect(byOperator.result.report.map((r) => r.target)).toEqual([`127.0.0.1:${sim.port}`]);
        const byAdmin = await followRun(admin, target);
        expect(byAdmin.result.report.map((r) => r.target)).toEqual([
          `127.0.0.1:${sim.port}`,
          '2001:db8:ff::2',
        ]);
      });
    },
  );
});
