// Serving the built GUI: files, the page for GUI paths (SPA fallback) but never for API/docs/health
// paths, and a clear message instead of a crash when the GUI was not built.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { App } from '../../src/http/app-type.ts';
import { serveGui } from '../../src/routes/gui.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

async function appServing(dir: string): Promise<App> {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: 'not_found', message: `no route ${req.url}` }),
  );
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/api/things', async () => []);
  serveGui(app, dir);
  await app.ready();
  return app;
}

describe('GUI serving', () => {
  const dist = mkdtempSync(join(tmpdir(), 'netspotter-gui-dist-'));
  let app: App;
  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="app"></div>');
    writeFileSync(join(dist, 'assets', 'main-abc123.js'), 'console.log(1)');
    app = await appServing(dist);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves the page at / and at any GUI path, assets with a long cache', async () => {
    for (const url of ['/', '/targets', '/some/deep/path?x=1']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<div id="app">');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    const js = await app.inject({ method: 'GET', url: '/assets/main-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toContain('immutable');
  });

  it('leaves API, docs and health paths to their routes or the JSON 404', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/things' })).json()).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
    for (const url of ['/api/nothing', '/api', '/docs/nothing', '/readyz', '/assets/missing.js']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error).toBe('not_found');
    }
  });

  it('says the GUI is not built, at /, when the folder has no index.html', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'netspotter-gui-none-'));
    const bare = await appServing(join(empty, 'dist'));
    const res = await bare.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('the GUI is not built');
    expect(res.body).toContain('npm run build');
    expect((await bare.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  });
});

describe('GUI in the real app', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.destroy());

  it('answers / without a session, and keeps the API’s own 404 and docs', async () => {
    const page = await s.app.inject({ method: 'GET', url: '/' });
    expect([200, 503]).toContain(page.statusCode); // 503 only when gui/dist was not built
    expect(page.headers['content-type']).toContain('text/html');
    expect((await s.app.inject({ method: 'GET', url: '/api/nothing-here' })).json()).toEqual({
      error: 'not_found',
      message: 'no route GET /api/nothing-here',
    });
    expect((await s.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
  });
});
