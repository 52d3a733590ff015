// A stand-in agent speaking the real agent protocol over HTTPS to the e2e server: enrolment with a
// one-time token, leases and result uploads go through the same routes a deployed agent uses, so
// the results the GUI shows were stored the way real ones are.
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import { hostFacts, newToken, secretOf } from '../../../server/test/support/agent-calls.ts';
import type { AppServer } from './app-server.ts';

export interface LabJob {
  id: string;
  runId: string;
  participant: string;
  plan: { kind: string; steps: Array<{ op: string; step: number; [k: string]: unknown }> };
}

export interface LabAgent {
  id: string;
  name: string;
  lease(waitMs?: number): Promise<LabJob | null>;
  upload(jobId: string, results: Array<{ kind: string; data: unknown }>): Promise<void>;
  /** Any other agent route (heartbeat, monitor summaries), as this agent. */
  call(path: string, body: unknown): Promise<{ status: number; json: unknown }>;
}

/** POSTs JSON over HTTPS to the test server (its generated, self-signed certificate is accepted). */
function post(
  base: string,
  path: string,
  body: unknown,
  key?: string,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      {
        method: 'POST',
        rejectUnauthorized: false,
        headers: { 'content-type': 'application/json', ...(key && { authorization: `Agent ${key}` }) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

export async function enrolLabAgent(
  app: AppServer,
  name: string,
  interfaces: Array<{ name: string; mac: string; addresses: string[] }>,
  /** The local safety policy the agent reports, as a real agent sends it. */
  policy?: Record<string, unknown>,
): Promise<LabAgent> {
  const facts = { ...hostFacts(name), interfaces, ...(policy && { policy }) };
  const enrol = await post(app.url, '/api/agent/enrol', {
    secret: secretOf(await newToken(app.server, name)),
    name,
    facts,
  });
  if (enrol.status !== 201) throw new Error(`enrol ${name}: ${JSON.stringify(enrol.json)}`);
  const { agentId, key } = enrol.json as { agentId: string; key: string };
  return {
    id: agentId,
    name,
    async lease(waitMs = 10_000) {
      const res = await post(app.url, '/api/agent/lease', { waitMs }, key);
      if (res.status !== 200) throw new Error(`lease: ${JSON.stringify(res.json)}`);
      return (res.json as { job: LabJob | null }).job;
    },
    async upload(jobId, results) {
      const res = await post(
        app.url,
        `/api/agent/jobs/${jobId}/results`,
        { results: results.map((r) => ({ id: randomUUID(), at: Date.now(), ...r })) },
        key,
      );
      if (res.status !== 200) throw new Error(`upload: ${JSON.stringify(res.json)}`);
    },
    call: (path, body) => post(app.url, path, body, key),
  };
}

/** Leases the job a run gave this agent (waiting for it if needed). */
export async function leaseJob(agent: LabAgent): Promise<LabJob> {
  const job = await agent.lease(20_000);
  if (!job) throw new Error(`${agent.name} got no job`);
  return job;
}

/**
 * Plays both ends of a load run the way the agents report it (agent/src/runner/run-plan.ts): the
 * sender's stream totals, the receiver's per-second series and stream totals, then final results.
 */
export async function reportLoadRun(
  tx: LabAgent,
  rx: LabAgent,
  receivedPerSecond: number[],
  latencyPerSecond: number[],
): Promise<void> {
  const [txJob, rxJob] = await Promise.all([leaseJob(tx), leaseJob(rx)]);
  const stream = txJob.plan.steps.find((s) => s.op === 'stream')!;
  const sent = Math.round(((stream.pps as number) * (stream.durationMs as number)) / 1000);
  const received = receivedPerSecond.reduce((a, b) => a + b, 0);
  const sorted = [...latencyPerSecond].sort((a, b) => a - b);
  const sender = { role: 'sender', streamId: stream.streamId, sent };
  const receiver = {
    role: 'receiver',
    streamId: stream.streamId,
    received,
    unique: received,
    duplicates: 0,
    reordered: 3,
    late: 0,
    maxSeq: sent - 1,
    lostEstimate: sent - received,
    latencyMs: {
      min: sorted[0]!,
      mean: sorted[sorted.length >> 1]!,
      p50: 0.9,
      p99: 5.2,
      max: sorted.at(-1)!,
    },
    jitterMs: 0.35,
  };
  const perSecond = receivedPerSecond.map((n, second) => ({
    second,
    received: n,
    latencyMeanMs: latencyPerSecond[second]!,
    latencyP50Ms: latencyPerSecond[second]! * 0.8,
    latencyP99Ms: latencyPerSecond[second]! * 2.5,
  }));
  await tx.upload(txJob.id, [
    { kind: 'stream', data: sender },
    {
      kind: 'final',
      data: {
        ok: true,
        message: `sent ${sent}`,
        summary: { steps: [], streams: [sender] },
        clockOffsetMs: 0,
      },
    },
  ]);
  await rx.upload(rxJob.id, [
    { kind: 'series', data: { streamId: stream.streamId, perSecond } },
    { kind: 'stream', data: receiver },
    {
      kind: 'final',
      data: {
        ok: true,
        message: `received ${received}`,
        summary: { steps: [], streams: [receiver] },
        clockOffsetMs: 0,
      },
    },
  ]);
}
