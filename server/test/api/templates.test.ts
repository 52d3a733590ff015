// User templates through the API: stored, versioned, validated with field paths, and encoded by
// the very encoder the GUI previews and the agents send with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinLibrary, encode, type TemplateDef } from '@netspotter/shared';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const probe = (defaultKind = 1): TemplateDef => ({
  name: 'probe',
  description: 'a test header in UDP',
  fields: [
    { name: 'magic', type: 'uint', bits: 16, default: 0xbeef },
    { name: 'kind', type: 'uint', bits: 4, default: defaultKind, enum: { hello: 1, bye: 2 } },
    { name: 'flags', type: 'uint', bits: 4, default: 0 },
    { name: 'body', type: 'body' },
  ],
});

const message = (src: string) => ({
  template: 'ethernet',
  values: {
    dst: '33:33:00:00:12:34',
    src: '02:00:00:00:00:11',
    body: {
      template: 'ipv6',
      values: {
        src,
        dst: 'ff3e::1234',
        body: {
          template: 'udp',
          values: { dstPort: 5000, body: { template: 'probe', values: { kind: 'bye', body: 'c0ffee' } } },
        },
      },
    },
  },
});

describe('message templates', () => {
  let s: TestServer;
  let op: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    op = await s.as('operator');
  });
  afterAll(() => s?.destroy());

  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: object,
    headers = op,
  ) => {
    const res = await s.app.inject({ method, url, headers, ...(payload && { payload }) });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };

  it('lists the built-in library', async () => {
    const list = (await call('GET', '/api/templates')).body as { name: string; builtin: boolean }[];
    expect(list.filter((t) => t.builtin).map((t) => t.name)).toEqual(
      expect.arrayContaining(['ethernet', 'ipv6', 'udp', 'test-signature']),
    );
    expect((await call('GET', '/api/templates/udp')).body).toMatchObject({
      builtin: true,
      definition: { name: 'udp' },
    });
  });

  it('stores versions; an older version stays readable', async () => {
    expect(await call('POST', '/api/templates', { definition: probe(1) })).toEqual({
      status: 201,
      body: { name: 'probe', version: 1 },
    });
    expect((await call('PUT', '/api/templates/probe', { definition: probe(2) })).body).toEqual({
      name: 'probe',
      version: 2,
    });
    const latest = (await call('GET', '/api/templates/probe')).body;
    expect([latest.version, latest.definition.fields[1].default]).toEqual([2, 2]);
    const first = (await call('GET', '/api/templates/probe?version=1')).body;
    expect([first.version, first.definition.fields[1].default]).toEqual([1, 1]);
    expect(
      (await call('GET', '/api/templates/probe/versions')).body.map((v: { version: number }) => v.version),
    ).toEqual([1, 2]);
    expect((await call('GET', '/api/templates/probe?version=9')).status).toBe(404);
  });

  it('encodes exactly what the shared encoder produces, with user templates', async () => {
    const res = await call('POST', '/api/frames/encode', { message: message('2001:db8::11') });
    expect(res.status).toBe(200);
    const lib = builtinLibrary().with([probe(2)]);
    expect(res.body.hex).toBe(Buffer.from(encode(lib, message('2001:db8::11') as never)).toString('hex'));
    expect(res.body.hex).toMatch(/beef2/);
    const decoded = await call('POST', '/api/frames/decode', { hex: res.body.hex });
    expect(decoded.body.message.values.body.values.dst).toBe('ff3e::1234');
  });

  it.each([
    [{ definition: { ...probe(), name: 'udp' } }, 409, 'definition.name', /built-in/],
    [{ definition: probe() }, 409, 'definition.name', /exists/],
    [{ definition: { ...probe(), name: 'loop', extends: 'loop' } }, 400, 'definition.extends', /cycle/],
    [
      { definition: { ...probe(), name: 'bad', fields: [{ name: 'x', type: 'uint', bits: 99 }] } },
      400,
      'definition.fields[0].bits',
      /.+/,
    ],
    [
      {
        definition: {
          ...probe(),
          name: 'dup',
          fields: [
            { name: 'x', type: 'uint', bits: 8 },
            { name: 'x', type: 'uint', bits: 8 },
          ],
        },
      },
      400,
      'definition.fields[1]',
      /duplicate field name/,
    ],
  ])(
    'refuses a bad template %#, naming the field, storing nothing',
    async (payload, status, field, message) => {
      const before = await s.ctx.db.prisma.messageTemplateVersion.count();
      const res = await call('POST', '/api/templates', payload);
      expect(res.status).toBe(status);
      expect(res.body.field).toBe(field);
      expect(res.body.message).toMatch(message);
      expect(await s.ctx.db.prisma.messageTemplateVersion.count()).toBe(before);
    },
  );

  it('names the bad value of a message by its path', async () => {
    const res = await call('POST', '/api/frames/encode', { message: message('2001:db8::zz') });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('message.body.src');
    expect(res.body.message).toMatch(/^message\.body\.src: .*IPv6/);
    const bad = await call('POST', '/api/frames/decode', { hex: 'ffff', template: 'ipv6' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('hex');
  });

  it('lets viewers preview but not save', async () => {
    const viewer = await s.as('viewer');
    expect(
      (await call('POST', '/api/frames/encode', { message: message('2001:db8::1') }, viewer)).status,
    ).toBe(200);
    expect((await call('PUT', '/api/templates/probe', { definition: probe(3) }, viewer)).status).toBe(403);
    expect((await call('DELETE', '/api/templates/probe')).status).toBe(204);
    expect((await call('GET', '/api/templates/probe')).status).toBe(404);
  });
});
