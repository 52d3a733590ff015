// API handlers still running, so that closing the server can wait for them before it stops what they use.
// `app.close()` waits for connections only: a client that went away mid-request leaves no connection, while
// its handler goes on and queried a database already closed ("Cannot use a pool after calling end").
import type { App } from './app-type.ts';

const running = new WeakMap<App, { count: number; idle: (() => void)[] }>();

/**
 * Counts the API routes' handlers while they run. Only async handlers of /api/ routes are wrapped: a plugin's
 * route (static files, the API docs) may answer after its handler returned, which an async wrapper would end.
 * Call before routes are added.
 */
export function trackHandlers(app: App): void {
  const state = { count: 0, idle: [] as (() => void)[] };
  running.set(app, state);
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    if (!route.url.startsWith('/api/') || handler.constructor.name !== 'AsyncFunction') return;
    route.handler = async function (this: unknown, req, reply) {
      state.count++;
      try {
        return await (handler as (this: unknown, ...a: unknown[]) => Promise<unknown>).call(this, req, reply);
      } finally {
        if (--state.count === 0) for (const done of state.idle.splice(0)) done();
      }
    } as typeof handler;
  });
}

/** How many tracked handlers of `app` are running now. */
export const handlersRunning = (app: App): number => running.get(app)?.count ?? 0;

/**
 * Resolves when no tracked handler of `app` runs, or after `ms` (a handler that never ends must not keep the
 * server from closing) with how many still ran.
 */
export function handlersSettled(app: App, ms: number): Promise<number> {
  const state = running.get(app);
  if (!state || state.count === 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(state.count), ms);
    state.idle.push(() => {
      clearTimeout(timer);
      resolve(0);
    });
  });
}
