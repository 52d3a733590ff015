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
  MonitorSummary,
  SummariesResponse,
  UploadResponse,
} from '@netspotter/shared/agent-protocol';
import { clockSample, nowMs, type ClockSample } from '@netspotter/shared/agent-protocol';
import { Transport, type Response } from './transport.ts';

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

  /** The server's answer with the transport's stamps, or ServerRefused when the status is not `ok`. */
  async #send(path: string, body: unknown, ok = 200): Promise<Response> {
    const res = await this.transport.request(
      'POST',
      path,
      body,
      this.key ? { authorization: `Agent ${this.key}` } : {},
    );
    if (res.status === ok) return res;
    const b = (res.body ?? {}) as { error?: string; message?: string };
    throw new ServerRefused(res.status, b.error ?? 'http_error', b.message ?? `HTTP ${res.status}`);
  }

  async #call<T>(path: string, body: unknown, ok = 200): Promise<T> {
    return (await this.#send(path, body, ok)).body as T;
  }

  async enrol(secret: string, name: string, facts: HostFacts): Promise<EnrolResponse> {
    const r = await this.#call<EnrolResponse>('/api/agent/enrol', { secret, name, facts }, 201);
    this.key = r.key;
    return r;
  }

  /** A clock probe: one NTP-style sample from the transport's send/receive stamps and the server's. */
  async time(): Promise<ClockSample> {
    return sampleOf(await this.#send('/api/agent/time', { t0: nowMs() }));
  }

  /** A heartbeat; its server stamps make one more clock sample. */
  async heartbeat(body: HeartbeatRequest): Promise<HeartbeatResponse & { sample: ClockSample }> {
    const res = await this.#send('/api/agent/heartbeat', body);
    return { ...(res.body as HeartbeatResponse), sample: sampleOf(res) };
  }

  async lease(waitMs: number): Promise<JobLease | null> {
    return (await this.#call<{ job: JobLease | null }>('/api/agent/lease', { waitMs })).job;
  }

  upload(jobId: string, results: JobResult[]): Promise<UploadResponse> {
    return this.#call(`/api/agent/jobs/${jobId}/results`, { results });
  }

  summaries(summaries: MonitorSummary[]): Promise<SummariesResponse> {
    return this.#call('/api/agent/monitors/summaries', { summaries });
  }

  barrier(
    jobId: string,
    attempt: number,
    name: string,
    waitMs: number,
  ): Promise<{ passed: boolean; arrived: number; of: number }> {
    return this.#call(`/api/agent/jobs/${jobId}/barrier`, { name, waitMs, attempt });
  }

  close(): void {
    this.transport.close();
  }
}

function sampleOf(res: Response): ClockSample {
  const { t1, t2 } = res.body as { t1: number; t2: number };
  return clockSample(res.sentAt, t1, t2, res.receivedAt);
}

/** A new result record of a job's attempt, with the id that makes its upload idempotent. */
export function newResult(attempt: number, kind: JobResult['kind'], data: unknown): JobResult {
  return { id: randomUUID(), kind, at: Date.now(), attempt, data };
}
