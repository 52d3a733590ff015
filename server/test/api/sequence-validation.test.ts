import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// A refused step is named by its own kind's rule, not by the first kind of the step union.
describe('sequences: refusals name the step’s own problem', () => {
  let s: TestServer;
  let op: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    op = await s.as('operator');
  });
  afterAll(() => s?.destroy());

  const participants = [{ name: 'h1', agent: 'a', interface: 'eth0' }];
  const post = (definition: object, name = 'x') =>
    s.app.inject({ method: 'POST', url: '/api/sequences', headers: op, payload: { name, definition } });

  it.each([
    [
      [{ op: 'wait', ms: 99_999_999 }],
      'definition.steps[0].ms',
      'definition.steps[0].ms: must be <= 3600000',
    ],
    [
      [
        { op: 'wait', ms: 1 },
        { op: 'join', at: 'h1', group: 'f' },
      ],
      'definition.steps[1].group',
      'definition.steps[1].group: must not have fewer than 2 characters',
    ],
    [
      [{ op: 'jump', at: 'h1' }],
      'definition.steps[0].op',
      'definition.steps[0].op: unknown step kind "jump"',
    ],
    [[{ op: 'barrier', extra: 1 }], 'definition.steps[0].extra', 'definition.steps[0].extra: unknown field'],
  ])('refuses %j naming %s', async (steps, field, message) => {
    const res = await post({ participants, steps });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'validation', field, message });
  });

  it('names a bad participant, and leaves other refusals to the schema’s own words', async () => {
    const bad = await post({
      participants: [{ name: '9x', agent: 'a', interface: 'eth0' }],
      steps: [{ op: 'barrier' }],
    });
    expect(bad.json()).toMatchObject({ field: 'definition.participants[0].name' });
    const noName = await post({ participants, steps: [{ op: 'barrier' }] }, '');
    expect(noName.json()).toMatchObject({ error: 'validation', field: 'name' });
    const created = await post({ participants, steps: [{ op: 'barrier' }] }, 'ok');
    expect(created.statusCode).toBe(201);
    const put = await s.app.inject({
      method: 'PUT',
      url: `/api/sequences/${created.json().id}`,
      headers: op,
      payload: { definition: { participants, steps: [{ op: 'wait', ms: -1 }] } },
    });
    expect(put.json()).toEqual({
      error: 'validation',
      field: 'definition.steps[0].ms',
      message: 'definition.steps[0].ms: must be >= 0',
    });
  });
});
