// Serves the built browser GUI (gui/dist) at `/`, with index.html for any other page path so the
// GUI's own routes load; API, docs and health paths are never answered with the page.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';

export const GUI_DIST = fileURLToPath(new URL('../../../gui/dist/', import.meta.url));
// A missing asset must be a 404, not the page (a browser would try to run HTML as a script).
const NOT_PAGES = /^\/(api(\/|$)|agent\/|docs(\/|$)|assets\/|healthz$|readyz$)/;
const publicRoute = { config: { minRole: 'public' as const }, schema: { hide: true } };

export function guiRoutes(app: App, _ctx: AppContext) {
  serveGui(app, GUI_DIST);
}

export function serveGui(app: App, dir: string) {
  if (!existsSync(`${dir}/index.html`)) {
    app.get('/', publicRoute, async (_req, reply) =>
      reply
        .status(503)
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>Netspotter</title><h1>Netspotter: the GUI is not built</h1>' +
            `<p>No <code>index.html</code> in <code>${escapeHtml(dir)}</code>. Run <code>npm run build</code> ` +
            '(or <code>npm start</code>, which builds first) and restart the server.</p>' +
            '<p>The API works: see <a href="/docs">/docs</a>.</p>',
        ),
    );
    return;
  }
  // Hashed asset names never change content; index.html must be re-read after every build.
  void app.register(fastifyStatic, {
    root: dir,
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (res, path) =>
      res.setHeader(
        'cache-control',
        /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      ),
  });
  const page = (reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });
  app.get('/', publicRoute, async (_req, reply) => page(reply));
  app.get('/*', publicRoute, async (req, reply) =>
    NOT_PAGES.test(req.url) ? reply.callNotFound() : page(reply),
  );
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
