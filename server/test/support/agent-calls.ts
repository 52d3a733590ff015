// The agent protocol spoken through app.inject, for API tests of enrolment, beats, leases and results.
import { randomUUID } from 'node:crypto';
import type { AgentPolicy, HostFacts } from '@netspotter/shared/agent-protocol';
import type { TestServer } from './test-server.ts';

export function hostFacts(name: string, interfaces = ['eth0'], policy?: AgentPolicy): HostFacts {
  return {
    hostname: name,
    os: 'linux 6.1',
    arch: 'x64',
    agentVersion: '0.1.0',
    interfaces: interfaces.map((i, n) => ({
      name: i,
      mac: `02:00:00:00:00:0${n + 1}`,
      addresses: [`2001:db8:1::${n + 1}`],
    })),
    capabilities: { rawPackets: true, engines: ['cap'] },
    engine: 'cap',
    ...(policy && { policy }),
  };
}

export async function newToken(s: TestServer, name = 'lab'): Promise<string> {
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/agents/enrolment-tokens',
    headers: await s.as('admin'),
    payload: { name },
  });
  if (res.statusCode !== 201) throw new Error(`token: ${res.body}`);
  return res.json().token;
}

export const secretOf = (token: string) => token.split('.')[1]!;

type Reply = Awaited<ReturnType<TestServer['app']['inject']>>;

export interface TestAgent {
  id: string;
  key: string;
  name: string;
  call(url: string, payload: object): Promise<Reply>;
  beat(): Promise<void>;
  upload(jobId: string, results: { id?: string; kind: string; data: unknown }[]): Promise<Reply>;
}

export async function enrolAgent(
  s: TestServer,
  name: string,
  interfaces?: string[],
  policy?: AgentPolicy,
  /** The host's own facts (default: hostFacts(name, interfaces, policy)). */
  facts?: HostFacts,
): Promise<TestAgent> {
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/agent/enrol',
    payload: {
      secret: secretOf(await newToken(s, name)),
      name,
      facts: facts ?? hostFacts(name, interfaces, policy),
    },
  });
  if (res.statusCode !== 201) throw new Error(`enrol: ${res.body}`);
  const { agentId, key } = res.json();
  const call = (url: string, payload: object): Promise<Reply> =>
    s.app.inject({ method: 'POST', url, headers: { authorization: `Agent ${key}` }, payload });
  return {
    id: agentId,
    key,
    name,
    call,
    async beat() {
      const r = await call('/api/agent/heartbeat', { t0: Date.now() });
      if (r.statusCode !== 200) throw new Error(`beat: ${r.body}`);
    },
    upload: (jobId, results) =>
      call(`/api/agent/jobs/${jobId}/results`, {
        results: results.map((r) => ({ id: r.id ?? randomUUID(), at: Date.now(), ...r })),
      }),
  };
}

/**
 * A day-long load run from agent `tx` to agent `rx` (both enrolled, interface eth0) with both jobs leased:
 * a live job to upload results and reach barriers with, which no sweep ends meanwhile.
 */
export async function leasedLoadRun(
  s: TestServer,
  headers: Record<string, string>,
  tx: TestAgent,
  rx: TestAgent,
): Promise<{ runId: string; txJob: string; rxJob: string }> {
  const task = await s.app.inject({
    method: 'POST',
    url: '/api/tasks',
    headers,
    payload: {
      name: `load-${randomUUID()}`,
      kind: 'load',
      args: {
        group: 'ff3e::1234',
        senders: [{ agent: tx.name, interface: 'eth0' }],
        receivers: [{ agent: rx.name, interface: 'eth0' }],
        pps: 10,
        durationMs: 24 * 3600_000,
      },
    },
  });
  const run = await s.app.inject({ method: 'POST', url: `/api/tasks/${task.json().id}/run`, headers });
  const lease = async (a: TestAgent) => (await a.call('/api/agent/lease', { waitMs: 20_000 })).json().job.id;
  return { runId: run.json().id, rxJob: await lease(rx), txJob: await lease(tx) };
}
