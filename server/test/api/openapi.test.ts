import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INT32_MAX, INT32_MIN } from '@netspotter/shared/api';
import { startTestServer, type TestServer } from '../support/test-server.ts';

interface Parameter {
  in: string;
  name: string;
  schema?: { type?: string; minimum?: number; maximum?: number };
}

describe('OpenAPI document', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.destroy());

  it('lists every route with response schemas, and serves the UI at /docs', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/healthz',
      '/readyz',
      '/api/version',
      '/api/auth/login',
      '/api/users',
      '/api/tokens',
      '/api/targets',
      '/api/targets/import',
      '/api/credentials',
      '/api/tasks',
      '/api/tasks/{id}/run',
      '/api/schedules',
      '/api/runs',
      '/api/audit',
    ]) {
      expect(paths).toContain(p);
    }
    for (const [path, ops] of Object.entries<Record<string, { responses?: object }>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) expect(op.responses, `${method} ${path}`).toBeTruthy();
    }
    const ui = await s.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('bounds every integer in a path or query parameter to what an int4 column holds', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const unbounded: string[] = [];
    for (const [path, ops] of Object.entries<Record<string, { parameters?: Parameter[] }>>(doc.paths))
      for (const [method, op] of Object.entries(ops))
        for (const p of op.parameters ?? []) {
          const { type, minimum, maximum } = p.schema ?? {};
          if (type !== 'integer') continue;
          if (!(
            minimum !== undefined &&
            minimum >= INT32_MIN &&
            maximum !== undefined &&
            maximum <= INT32_MAX
          ))
            unbounded.push(`${method} ${path} ${p.in} ${p.name}: [${minimum}, ${maximum}]`);
        }
    expect(unbounded).toEqual([]);
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', message: 'no route GET /api/nothing-here' });
  });
});
