// The agent's side of the protocol: typed calls over the pinned transport. Errors the server answers
// become ServerRefused (with its code); network trouble stays Unreachable so callers can back off.
import { randomUUID } from 'node:crypto';
import type {
  EnrolResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  HostFacts,
  JobLease,
  JobResult,
  UploadResponse,
} from '../protocol/messages.ts';
import { Transport } from './transport.ts';

export class ServerRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class ServerClient {
  readonly transport: Transport;
  key?: string;

  constructor(opts: { url: string; fingerprint?: string; key?: string; timeoutMs?: number }) {
    this.transport = new Transport(opts);
    this.key = opts.key;
  }

  async #call<T>(path: string, body: unknown, ok = 200): Promise<T> {
    const res = await this.transport.request('POST', path, body, this.key ? { authorization: `Agent ${this.key}` } : {});
    if (res.status === ok) return res.body as T;
    const b = (res.body ?? {}) as { error?: string; message?: string };
    throw new ServerRefused(res.status, b.error ?? 'http_error', b.message ?? `HTTP ${res.status}`);
  }

  async enrol(secret: string, name: string, facts: HostFacts): Promise<EnrolResponse> {
    const r = await this.#call<EnrolResponse>('/api/agent/enrol', { secret, name, facts }, 201);
    this.key = r.key;
    return r;
  }

  time(t0: number): Promise<{ t1: number; t2: number }> {
    return this.#call('/api/agent/time', { t0 });
  }

  heartbeat(body: HeartbeatRequest): Promise<HeartbeatResponse> {
    return this.#call('/api/agent/heartbeat', body);
  }

  async lease(waitMs: number): Promise<JobLease | null> {
    return (await this.#call<{ job: JobLease | null }>('/api/agent/lease', { waitMs })).job;
  }

  upload(jobId: string, results: JobResult[]): Promise<UploadResponse> {
    return this.#call(`/api/agent/jobs/${jobId}/results`, { results });
  }

  barrier(jobId: string, name: string, waitMs: number): Promise<{ passed: boolean; arrived: number; of: number }> {
    return this.#call(`/api/agent/jobs/${jobId}/barrier`, { name, waitMs });
  }

  close(): void {
    this.transport.close();
  }
}

/** A new result record, with the id that makes its upload idempotent. */
export function newResult(kind: JobResult['kind'], data: unknown): JobResult {
  return { id: randomUUID(), kind, at: Date.now(), data };
}
