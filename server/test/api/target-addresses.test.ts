// Target addresses as users paste them: URL-form zones are decoded, and broadcast, multicast and
// unspecified addresses are refused with the reason (one target is one device).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('target addresses', () => {
  let s: TestServer;
  let op: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    op = await s.as('operator');
  });
  afterAll(() => s?.destroy());
  const post = (url: string, payload: object) => s.app.inject({ method: 'POST', url, headers: op, payload });

  it('stores [fe80::1%25eth0] with the zone eth0', async () => {
    const r = await post('/api/targets', { address: '[fe80::1%25eth0]' });
    expect(r.statusCode).toBe(201);
    expect(r.json().address).toBe('fe80::1%eth0');
  });

  it.each([
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
  ])('refuses %s (%s) naming the field, and an import line with it', async (address, why) => {
    const one = await post('/api/targets', { address });
    expect(one.statusCode).toBe(400);
    expect(one.json()).toMatchObject({ field: 'address', message: expect.stringContaining(why) });
    const many = await post('/api/targets/import', { text: `192.0.2.1 public\n${address} public` });
    expect(many.statusCode).toBe(400);
    expect(many.json().lines).toEqual([{ line: 2, reason: expect.stringContaining(why) }]);
    expect(await s.ctx.db.prisma.target.count({ where: { address: { in: [address, '192.0.2.1'] } } })).toBe(
      0,
    );
  });
});
