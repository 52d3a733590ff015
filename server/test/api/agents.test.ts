import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowMs, parseEnrolmentToken } from '@netspotter/shared/agent-protocol';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { enrolAgent, hostFacts, newToken, secretOf } from '../support/agent-calls.ts';

describe('agent enrolment, sessions and admin control', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true });
  });
  afterAll(() => s?.destroy());

  const enrol = async (payload: object) => s.app.inject({ method: 'POST', url: '/api/agent/enrol', payload });

  it('only an admin creates enrolment tokens; the secret is shown once and never listed', async () => {
    const denied = await s.app.inject({
      method: 'POST',
      url: '/api/agents/enrolment-tokens',
      headers: await s.as('operator'),
      payload: { name: 'x' },
    });
    expect(denied.statusCode).toBe(403);
    const token = await newToken(s, 'once');
    expect(parseEnrolmentToken(token).fingerprint).toBeUndefined(); // plaintext server: nothing to pin
    const list = await s.app.inject({
      method: 'GET',
      url: '/api/agents/enrolment-tokens',
      headers: await s.as('admin'),
    });
    expect(list.body).not.toContain(secretOf(token));
    expect(list.json().find((t: { name: string }) => t.name === 'once')).toMatchObject({
      usedAt: null,
      agentId: null,
    });
    const bad = await s.app.inject({
      method: 'POST',
      url: '/api/agents/enrolment-tokens',
      headers: await s.as('admin'),
      payload: { name: 'x', ttlMinutes: 0 },
    });
    expect(bad.json()).toMatchObject({ error: 'validation', field: 'ttlMinutes' });
  });

  it('enrols once per token; a reused, unknown or expired token is refused', async () => {
    const secret = secretOf(await newToken(s, 'h1'));
    const first = await enrol({ secret, name: 'h1', facts: hostFacts('h1') });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      agentId: expect.any(String),
      key: expect.stringMatching(/^nsa_/),
      heartbeatSeconds: 5,
    });
    const again = await enrol({ secret, name: 'h1-again', facts: hostFacts('h1') });
    expect(again.statusCode).toBe(401);
    expect(again.json().message).toMatch(/already used/);
    expect((await enrol({ secret: 'A'.repeat(43), name: 'h9', facts: hostFacts('h9') })).statusCode).toBe(
      401,
    );
    const stale = secretOf(await newToken(s, 'stale'));
    await s.ctx.db.prisma.enrolmentToken.updateMany({
      where: { name: 'stale' },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await enrol({ secret: stale, name: 'stale', facts: hostFacts('stale') })).statusCode).toBe(401);
    const tokens = await s.app.inject({
      method: 'GET',
      url: '/api/agents/enrolment-tokens',
      headers: await s.as('admin'),
    });
    expect(tokens.json().find((t: { name: string }) => t.name === 'h1')).toMatchObject({
      agentId: first.json().agentId,
      usedAt: expect.any(String),
    });
    // the stored key is a hash: the database never holds the key itself
    const row = await s.ctx.db.prisma.agent.findUniqueOrThrow({ where: { id: first.json().agentId } });
    expect(row.keyHash).not.toContain(first.json().key);
  });

  it('refuses malformed enrolments naming the field, and a taken name', async () => {
    const secret = secretOf(await newToken(s, 'bad'));
    expect((await enrol({ secret, name: 'bad name!', facts: hostFacts('x') })).json()).toMatchObject({
      error: 'validation',
      field: 'name',
    });
    const noIf = { ...hostFacts('x'), interfaces: [{ name: '', addresses: [] }] };
    expect((await enrol({ secret, name: 'x', facts: noIf })).json()).toMatchObject({
      error: 'validation',
      field: 'facts.interfaces[0].name',
    });
    expect((await enrol({ secret, name: 'x', facts: hostFacts('x'), extra: 1 })).json()).toMatchObject({
      field: 'extra',
    });
    const taken = await enrol({ secret, name: 'h1', facts: hostFacts('h1') });
    expect(taken.statusCode).toBe(409);
    // the refused attempts did not burn the token
    expect((await enrol({ secret, name: 'x', facts: hostFacts('x') })).statusCode).toBe(201);
  });

  it('beats answer server times for the clock estimate and keep a session with address and version', async () => {
    const a = await enrolAgent(s, 'h2');
    // The server stamps with the same sub-ms clock the agent uses (Date.now() would lag it by up to 1 ms).
    const t0 = nowMs();
    const res = await a.call('/api/agent/heartbeat', { t0, clock: { offsetMs: 1.5, rttMs: 0.8 } });
    const t3 = nowMs();
    expect(res.statusCode).toBe(200);
    const { t1, t2, heartbeatSeconds, stopJobs } = res.json();
    expect(t0).toBeLessThanOrEqual(t1);
    expect(t1).toBeLessThanOrEqual(t2);
    expect(t2).toBeLessThanOrEqual(t3);
    expect({ heartbeatSeconds, stopJobs }).toEqual({ heartbeatSeconds: 5, stopJobs: [] });
    const probe = await s.app.inject({ method: 'POST', url: '/api/agent/time', payload: { t0: nowMs() } });
    expect(probe.json().t1).toBeLessThanOrEqual(probe.json().t2);
    expect(probe.json().t2).toBeLessThanOrEqual(nowMs());
    const agent = (
      await s.app.inject({ method: 'GET', url: `/api/agents/${a.id}`, headers: await s.as('viewer') })
    ).json();
    expect(agent).toMatchObject({
      name: 'h2',
      state: 'online',
      version: '0.1.0',
      clockOffsetMs: 1.5,
      clockRttMs: 0.8,
      lastAddress: '127.0.0.1',
    });
    expect(agent.facts.interfaces[0]).toMatchObject({ name: 'eth0', mac: '02:00:00:00:00:01' });
    const sessions = (
      await s.app.inject({
        method: 'GET',
        url: `/api/agents/sessions?agentId=${a.id}`,
        headers: await s.as('viewer'),
      })
    ).json();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      agentName: 'h2',
      address: '127.0.0.1',
      version: '0.1.0',
      endedAt: null,
    });
    const audit = (
      await s.app.inject({ method: 'GET', url: '/api/audit', headers: await s.as('admin') })
    ).json();
    const events = (audit.items ?? audit) as { action: string; entityId: string }[];
    expect(events.filter((e) => e.entityId === a.id).map((e) => e.action)).toContain('enrol');
  });

  it('refuses agent calls without a valid key or with a malformed body', async () => {
    const noKey = await s.app.inject({ method: 'POST', url: '/api/agent/heartbeat', payload: { t0: 1 } });
    expect(noKey.statusCode).toBe(401);
    const badKey = await s.app.inject({
      method: 'POST',
      url: '/api/agent/heartbeat',
      headers: { authorization: 'Agent nsa_nope' },
      payload: { t0: 1 },
    });
    expect(badKey.json()).toMatchObject({ error: 'unauthenticated', message: 'unknown agent key' });
    const a = await enrolAgent(s, 'h3');
    expect((await a.call('/api/agent/heartbeat', { t0: 'now' })).json()).toMatchObject({
      error: 'validation',
      field: 't0',
    });
    expect((await a.call('/api/agent/lease', { waitMs: 60_000 })).json()).toMatchObject({
      error: 'validation',
      field: 'waitMs',
    });
  });

  it('an admin blocks new enrolments, and allows them again', async () => {
    const admin = await s.as('admin');
    const put = (blocked: boolean) =>
      s.app.inject({ method: 'PUT', url: '/api/agents/enrolment', headers: admin, payload: { blocked } });
    expect(
      (
        await s.app.inject({
          method: 'PUT',
          url: '/api/agents/enrolment',
          headers: await s.as('operator'),
          payload: { blocked: true },
        })
      ).statusCode,
    ).toBe(403);
    expect((await put(true)).json()).toEqual({ blocked: true });
    const secret = secretOf(await newToken(s, 'blocked'));
    const refused = await enrol({ secret, name: 'blocked', facts: hostFacts('blocked') });
    expect(refused.json()).toMatchObject({ error: 'enrolment_blocked' });
    expect(refused.statusCode).toBe(403);
    await put(false);
    expect((await enrol({ secret, name: 'blocked', facts: hostFacts('blocked') })).statusCode).toBe(201);
    const audit = (await s.app.inject({ method: 'GET', url: '/api/audit', headers: admin })).json();
    const actions = ((audit.items ?? audit) as { action: string; entity: string }[])
      .filter((e) => e.entity === 'agent-enrolment')
      .map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['block', 'unblock']));
  });

  it('a disconnected agent cannot beat or lease; its session ends; an admin can let it back', async () => {
    const a = await enrolAgent(s, 'h4');
    await a.beat();
    const admin = await s.as('admin');
    const res = await s.app.inject({ method: 'POST', url: `/api/agents/${a.id}/disconnect`, headers: admin });
    expect(res.json()).toMatchObject({ state: 'disconnected', disconnectedAt: expect.any(String) });
    const lease = await a.call('/api/agent/lease', { waitMs: 0 });
    expect(lease.statusCode).toBe(403);
    expect(lease.json()).toMatchObject({ error: 'agent_disconnected' });
    expect((await a.call('/api/agent/heartbeat', { t0: Date.now() })).statusCode).toBe(403);
    const sessions = (
      await s.app.inject({ method: 'GET', url: `/api/agents/sessions?agentId=${a.id}`, headers: admin })
    ).json();
    expect(sessions[0]).toMatchObject({ endReason: 'disconnected by admin', endedAt: expect.any(String) });
    await s.app.inject({ method: 'POST', url: `/api/agents/${a.id}/reconnect`, headers: admin });
    expect((await a.call('/api/agent/lease', { waitMs: 0 })).json()).toEqual({ job: null });
    const after = (
      await s.app.inject({ method: 'GET', url: `/api/agents/sessions?agentId=${a.id}`, headers: admin })
    ).json();
    expect(after).toHaveLength(2);
    expect(after[0].endedAt).toBeNull();
  });

  it('refuses plaintext agents unless the server allows them', async () => {
    const strict = await startTestServer({ agentPlaintext: false });
    try {
      const secret = secretOf(await newToken(strict));
      const res = await strict.app.inject({
        method: 'POST',
        url: '/api/agent/enrol',
        payload: { secret, name: 'p', facts: hostFacts('p') },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: 'tls_required' });
    } finally {
      await strict.destroy();
    }
  });

  it('lists agents for viewers, with an id that is not found giving 404', async () => {
    const list = (
      await s.app.inject({ method: 'GET', url: '/api/agents', headers: await s.as('viewer') })
    ).json();
    expect(list.map((a: { name: string }) => a.name)).toEqual(
      expect.arrayContaining(['h1', 'h2', 'h3', 'h4']),
    );
    expect(
      (
        await s.app.inject({
          method: 'GET',
          url: `/api/agents/${randomUUID()}`,
          headers: await s.as('viewer'),
        })
      ).statusCode,
    ).toBe(404);
  });
});
