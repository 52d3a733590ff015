// Remote polling: while the server names a site for this agent (on its heartbeats), it long-polls for that
// site's devices and polls each over SNMP with the shared poller, as a server worker would, then uploads
// what it collected. The credential lives only in the lease's memory for the poll's lifetime: it is never
// journalled, logged or written anywhere on disk, and an upload that fails is retried from memory until the
// lease's deadline, then dropped (the server reports the device as not answered by its poller).
import type { RemotePoll } from '@netspotter/shared/agent-protocol';
import { wait } from '@netspotter/shared';
import { pollTarget } from '@netspotter/shared/snmp/poll-target';
import { Backoff } from './backoff.ts';
import { ServerRefused, type ServerClient } from './client/server-client.ts';
import type { Logger } from './log.ts';

const LEASE_WAIT_MS = 25_000;
/** Devices polled at once by one agent. */
const MAX_POLLS = 16;

export interface RemotePollerDeps {
  client: () => ServerClient;
  log: Logger;
  /** The site the server last named for this agent (undefined: it polls nothing). */
  site: () => string | undefined;
  /** Server − agent clock, for the lease's deadline. */
  offsetMs: () => number;
  /** A refusal the agent cannot get past (disconnected, deleted): true when it stops. */
  fatal: (err: unknown) => boolean;
  signal: AbortSignal;
}

export class RemotePoller {
  #inFlight = 0;

  constructor(private readonly d: RemotePollerDeps) {}

  async run(): Promise<void> {
    const { signal, log } = this.d;
    const backoff = new Backoff();
    while (!signal.aborted) {
      if (!this.d.site() || this.#inFlight >= MAX_POLLS) {
        await wait(1000, signal);
        continue;
      }
      try {
        const asked = Date.now();
        const poll = await this.d.client().pollLease(LEASE_WAIT_MS, signal);
        backoff.reset();
        if (poll) void this.#poll(poll);
        // An empty answer at once: the server took the site away (the next beat says so); no busy loop.
        else if (Date.now() - asked < 1000) await wait(1000, signal);
      } catch (err) {
        if (signal.aborted || this.d.fatal(err)) return;
        const ms = backoff.next();
        log.warn('remote poll lease failed', { error: (err as Error).message, retryMs: ms });
        await wait(ms, signal);
      }
    }
  }

  async #poll(poll: RemotePoll): Promise<void> {
    const { log, signal } = this.d;
    this.#inFlight++;
    // Named by address only: the lease's credential never reaches a log line.
    const where = { pollId: poll.id, target: poll.target.name ?? poll.target.address };
    try {
      const deadline = poll.deadline - this.d.offsetMs();
      log.info('remote poll leased', { ...where, site: this.d.site() });
      const polled = await pollTarget(poll.target, poll.settings, () => undefined, signal);
      log.info('remote poll done', { ...where, status: polled.report.status, ms: polled.report.ms });
      const backoff = new Backoff();
      while (!signal.aborted && Date.now() < deadline) {
        try {
          await this.d.client().pollResult(poll.id, polled);
          return;
        } catch (err) {
          if (this.d.fatal(err)) return;
          if (err instanceof ServerRefused && err.status < 500) {
            // The lease ended on the server (its deadline passed, the run was cancelled): nobody waits for it.
            log.warn('remote poll result refused', { ...where, error: err.message });
            return;
          }
          log.warn('remote poll upload failed', { ...where, error: (err as Error).message });
          await wait(Math.min(backoff.next(), Math.max(0, deadline - Date.now())), signal);
        }
      }
      log.warn('remote poll dropped: its deadline passed', where);
    } catch (err) {
      if (!signal.aborted) log.warn('remote poll failed', { ...where, error: (err as Error).message });
    } finally {
      this.#inFlight--;
    }
  }
}
