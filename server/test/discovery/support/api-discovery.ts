// A discovery run through the REST API as an operator would do it: targets, a discovery task, run, wait.
import { expect } from 'vitest';
import type { TestServer } from '../../support/test-server.ts';

/** `targets`: [address, v2c community] on the snmpsim port; resolves once the run has succeeded. */
export async function discoverThroughApi(
  s: TestServer,
  auth: Record<string, string>,
  port: number,
  targets: [string, string][],
): Promise<void> {
  const api = async (method: 'GET' | 'POST', url: string, payload?: object) =>
    (await s.app.inject({ method, url, headers: auth, ...(payload && { payload }) })).json();
  const targetIds = [];
  for (const [address, community] of targets)
    targetIds.push(
      (await api('POST', '/api/targets', { address, port, credential: { version: 'v2c', community } })).id,
    );
  const task = await api('POST', '/api/tasks', { name: 'discovery', kind: 'discovery', args: { targetIds } });
  const run = await api('POST', `/api/tasks/${task.id}/run`);
  let state = 'queued';
  for (let i = 0; i < 150 && ['queued', 'running'].includes(state); i++) {
    await new Promise((r) => setTimeout(r, 200));
    state = (await api('GET', `/api/runs/${run.id}`)).state;
  }
  expect(state).toBe('succeeded');
}
