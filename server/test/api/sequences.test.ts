import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { enrolAgent } from '../support/agent-calls.ts';

describe('sequences: stored, validated, versioned, checked against agents', () => {
  let s: TestServer;
  let op: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true });
    op = await s.as('operator');
    await enrolAgent(s, 'h1', ['eth0']);
    await enrolAgent(s, 'h2', ['eth0']);
  });
  afterAll(() => s?.destroy());

  const definition = (agent = 'h2') => ({
    participants: [
      { name: 'tx', agent: 'h1', interface: 'eth0' },
      { name: 'rx', agent, interface: 'eth0' },
    ],
    steps: [
      { op: 'join', at: 'rx', group: 'ff3e::1234', source: '$tx' },
      {
        op: 'send',
        from: 'tx',
        message: {
          template: 'ethernet',
          values: { body: { template: 'ipv6', values: { dst: 'ff3e::1234' } } },
        },
      },
      {
        op: 'expect',
        at: 'rx',
        message: { template: 'ethernet', values: { src: { any: true } } },
        timeoutMs: 1000,
      },
    ],
  });
  const post = (payload: object) =>
    s.app.inject({ method: 'POST', url: '/api/sequences', headers: op, payload });

  it('stores a sequence, versions every change, and checks it into per-participant plans', async () => {
    const created = await post({ name: 'ssm', definition: definition() });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(created.json().version).toBe(1);
    const changed = await s.app.inject({
      method: 'PUT',
      url: `/api/sequences/${id}`,
      headers: op,
      payload: { definition: definition('h1') },
    });
    expect(changed.json().version).toBe(2);
    const versions = (
      await s.app.inject({ method: 'GET', url: `/api/sequences/${id}/versions`, headers: op })
    ).json();
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions[1].definition.participants[1].agent).toBe('h2');
    const check = (
      await s.app.inject({ method: 'POST', url: `/api/sequences/${id}/check`, headers: op })
    ).json();
    expect(check.plans.map((p: { participant: string }) => p.participant)).toEqual(['tx', 'rx']);
    expect((await post({ name: 'ssm', definition: definition() })).statusCode).toBe(409);
  });

  it('refuses malformed definitions naming the field', async () => {
    const bad = definition();
    (bad.steps[1] as { message: object }).message = {
      template: 'ethernet',
      values: { body: { template: 'ipv6', values: { dst: 'nope' } } },
    };
    const stored = await post({ name: 'bad-value', definition: bad });
    expect(stored.statusCode).toBe(201); // values are checked at compile, when aliases resolve
    const check = await s.app.inject({
      method: 'POST',
      url: `/api/sequences/${stored.json().id}/check`,
      headers: op,
    });
    expect(check.json()).toMatchObject({ error: 'bad_request', field: 'steps[1].message.body.dst' });
    const unknownOp = await post({
      name: 'bad-op',
      definition: { ...definition(), steps: [{ op: 'jump', at: 'rx' }] },
    });
    expect(unknownOp.statusCode).toBe(400);
    const badTemplate = await post({
      name: 'bad-tpl',
      definition: { ...definition(), templates: [{ name: 'x', extends: 'nope', fields: [] }] },
    });
    expect(badTemplate.json()).toMatchObject({ field: 'templates' });
  });

  it('a check against an unknown agent names the participant', async () => {
    const created = await post({ name: 'ghost', definition: definition('h9') });
    const check = await s.app.inject({
      method: 'POST',
      url: `/api/sequences/${created.json().id}/check`,
      headers: op,
    });
    expect(check.json()).toMatchObject({
      field: 'participants[1].agent',
      message: expect.stringContaining('unknown agent "h9"'),
    });
  });
});
