// A discovery run through the REST API as an operator would do it: targets, a discovery task, run, wait.
import { expect } from 'vitest';
import type { TestServer } from '../../support/test-server.ts';

/** A call of the REST API as some user, answering the response's status and JSON body. */
export type ApiCall = (
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
) => Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * `targets`: [address, v2c community] on `port`; resolves once the run has succeeded (`waitMs` at most).
 */
export async function discoverWith(
  api: ApiCall,
  port: number,
  targets: [string, string][],
  waitMs = 30_000,
): Promise<void> {
  const targetIds = [];
  for (const [address, community] of targets)
    targetIds.push(
      (await api('POST', '/api/targets', { address, port, credential: { version: 'v2c', community } })).body
        .id,
    );
  const task = (
    await api('POST', '/api/tasks', { name: 'discovery', kind: 'discovery', args: { targetIds } })
  ).body;
  const run = (await api('POST', `/api/tasks/${task.id}/run`)).body;
  let state = 'queued';
  for (const end = Date.now() + waitMs; Date.now() < end && ['queued', 'running'].includes(state);) {
    await new Promise((r) => setTimeout(r, 200));
    state = (await api('GET', `/api/runs/${run.id}`)).body.state;
  }
  expect(state).toBe('succeeded');
}

/** The same on a test server, through app.inject. */
export function discoverThroughApi(
  s: TestServer,
  auth: Record<string, string>,
  port: number,
  targets: [string, string][],
): Promise<void> {
  return discoverWith(
    async (method, url, payload) => {
      const r = await s.app.inject({ method, url, headers: auth, ...(payload && { payload }) });
      return { status: r.statusCode, body: r.json() };
    },
    port,
    targets,
  );
}
