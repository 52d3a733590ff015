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
): Promise<LabAgent> {
  const facts = { ...hostFacts(name), interfaces };
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
  };
}
