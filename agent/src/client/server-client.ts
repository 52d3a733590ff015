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
  RemotePoll,
  RemotePollResult,
  SummariesResponse,
  UploadResponse,
} from '@netspotter/shared/agent-protocol';
import {
  AGENT_VERSION_HEADER,
  clockSample,
  nowMs,
  type ClockSample,
} from '@netspotter/shared/agent-protocol';
import { Transport, type Response } from './transport.ts';
import { AGENT_VERSION } from '../version.ts';

export class ServerRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The whole error body (an outdated agent's refusal carries the release to install). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class ServerClient {
  readonly transport: Transport;
  key?: string;

  constructor(opts: { url: string; fingerprint?: string; key?: string; timeoutMs?: number }) {
    this.transport = new Transport({ ...opts, headers: { [AGENT_VERSION_HEADER]: AGENT_VERSION } });
    this.key = opts.key;
  }

  /** The server's answer with the transport's stamps, or ServerRefused when the status is not `ok`. */
  async #send(path: string, body: unknown, ok = 200, signal?: AbortSignal): Promise<Response> {
    const res = await this.transport.request(
      'POST',
      path,
      body,
      this.key ? { authorization: `Agent ${this.key}` } : {},
      signal,
    );
    if (res.status === ok) return res;
    const b = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
    throw new ServerRefused(
      res.status,
      typeof b.error === 'string' ? b.error : 'http_error',
      typeof b.message === 'string' ? b.message : `HTTP ${res.status}`,
      b,
    );
  }

  async #call<T>(path: string, body: unknown, ok = 200, signal?: AbortSignal): Promise<T> {
    return (await this.#send(path, body, ok, signal)).body as T;
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

  /**
   * Long-polls for the next job. Aborting it loses nothing: a job the server leased meanwhile is handed
   * out again by the next lease.
   */
  async lease(waitMs: number, signal?: AbortSignal): Promise<JobLease | null> {
    return (await this.#call<{ job: JobLease | null }>('/api/agent/lease', { waitMs }, 200, signal)).job;
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

  /** Long-polls for the next device of this agent's site to poll (remote poller); null when none came. */
  async pollLease(waitMs: number, signal?: AbortSignal): Promise<RemotePoll | null> {
    return (await this.#call<{ poll: RemotePoll | null }>('/api/agent/polls/lease', { waitMs }, 200, signal))
      .poll;
  }

  async pollResult(id: string, result: RemotePollResult): Promise<void> {
    await this.#send(`/api/agent/polls/${id}/result`, result, 204);
  }

  /** Tells the server this agent was uninstalled: its session ends and its key stops working. */
  async deregister(reason = 'uninstalled'): Promise<void> {
    await this.#send('/api/agent/uninstall', { reason }, 204);
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
