import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('map positions per user', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.destroy());

  const call = async (method: 'GET' | 'PUT', url: string, role: 'viewer' | 'operator', payload?: object) =>
    s.app.inject({ method, url, headers: await s.as(role), ...(payload && { payload }) });

  it('keeps each user’s positions per layer apart, and replaces them on save', async () => {
    expect((await call('GET', '/api/map/positions/l2', 'viewer')).json()).toEqual({});
    const saved = await call('PUT', '/api/map/positions/l2', 'viewer', { 'switch-a': { x: 10, y: -4.5 } });
    expect(saved.statusCode).toBe(200);
    expect((await call('GET', '/api/map/positions/l2', 'viewer')).json()).toEqual({
      'switch-a': { x: 10, y: -4.5 },
    });
    expect((await call('GET', '/api/map/positions/l3', 'viewer')).json()).toEqual({});
    expect((await call('GET', '/api/map/positions/l2', 'operator')).json()).toEqual({});
    await call('PUT', '/api/map/positions/l2', 'viewer', { 'router-m': { x: 1, y: 2 } });
    expect((await call('GET', '/api/map/positions/l2', 'viewer')).json()).toEqual({
      'router-m': { x: 1, y: 2 },
    });
  });

  it('refuses a bad layer or a bad position with 400 naming the field, and writes nothing', async () => {
    const before = await s.ctx.db.prisma.mapPositions.count();
    const layer = await call('PUT', '/api/map/positions/l9', 'operator', {});
    expect(layer.statusCode).toBe(400);
    expect(layer.json().field).toMatch(/layer/);
    const pos = await call('PUT', '/api/map/positions/l3', 'operator', { a: { x: 'left', y: 0 } });
    expect(pos.statusCode).toBe(400);
    expect(pos.json().field).toMatch(/x/);
    expect(await s.ctx.db.prisma.mapPositions.count()).toBe(before);
    expect((await s.app.inject({ method: 'GET', url: '/api/map/positions/l2' })).statusCode).toBe(401);
  });
});
