// The agent daemon: enrol once, then four loops — heartbeat (facts, clock offset, squeezed events,
// monitor assignments, update progress), lease (long-poll for jobs, run them), upload (drain the
// journals of results and monitor summaries), and remote polling (SNMP for the site the server names). Server trouble only delays things: results and summaries
// wait in fsynced journals and are replayed, idempotently, on reconnect; monitors keep running meanwhile.
// Updates the server offers are applied by the Updater once the jobs in flight are done.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ServerClient, ServerRefused, newResult } from './client/server-client.ts';
import { PinMismatch } from './client/transport.ts';
import type { AgentConfig } from './config.ts';
import type { PacketEngine } from './engine/engine.ts';
import { selectEngine, type EngineChoice } from './engine/select-engine.ts';
import { wait } from '@netspotter/shared';
import { hostFacts, interfaces } from './host-facts.ts';
import { Journal } from './journal.ts';
import type { Logger } from './log.ts';
import { Backoff } from './backoff.ts';
import { policyRefusals } from './policy.ts';
import {
  ClockFilter,
  nowMs,
  parseEnrolmentToken,
  type JobLease,
  type JobResult,
  type MonitorSummary,
  UpdateOfferSchema,
  type UpdateReport,
} from '@netspotter/shared/agent-protocol';
import { Compile } from 'typebox/compile';
import type { FinalResult } from '@netspotter/shared/results';
import { readIdentity, writeIdentity, type AgentIdentity } from './state-file.ts';
import { EventSqueezer } from './squeezer.ts';
import { runPlan } from './runner/run-plan.ts';
import { MonitorRunner } from './monitor/monitor-runner.ts';
import { capabilityWarning } from './capabilities.ts';
import { Updater } from './update/updater.ts';
import { RemotePoller } from './remote-poller.ts';

export interface DaemonOptions {
  url: string;
  token?: string;
  config: AgentConfig;
  log: Logger;
  /** The command-line arguments, to start another release with (updates). */
  args?: string[];
}

const LEASE_WAIT_MS = 25_000;
const PROBES_PER_BEAT = 3;
const STARTUP_PROBES = 12;
const UPLOAD_BATCH = 500;
const isOffer = Compile(UpdateOfferSchema);

export class AgentDaemon {
  readonly engine: PacketEngine;
  readonly #engines: EngineChoice;
  readonly #journal: Journal;
  readonly #summaries: Journal<MonitorSummary>;
  #monitors?: MonitorRunner;
  // A minute of samples at 5 s beats: three probes plus the beat itself each time.
  readonly #clock = new ClockFilter(48);
  readonly #events = new EventSqueezer();
  readonly #running = new Map<string, AbortController>();
  readonly #seen = new Set<string>();
  readonly #stop = new AbortController();
  #client!: ServerClient;
  #heartbeatMs = 5000;
  #wakeUpload?: () => void;
  /** Set while an update waits for the jobs in flight: no new job is leased. */
  #draining = false;
  /** The lease long-poll in flight (a drain ends it rather than wait up to LEASE_WAIT_MS). */
  #lease: AbortController | undefined;
  /** The site whose targets the server asks this agent to poll over SNMP (from its heartbeats). */
  #site: string | undefined;
  /** Update progress for the next heartbeat. */
  #updateReport: UpdateReport | undefined;
  readonly #updater: Updater;
  identity?: AgentIdentity;
  /** Set when it stopped because the server refuses it (disconnected by an admin, key unknown). */
  refused = false;
  /** Set when it stopped to restart into another release (the executable to start). */
  restartInto: string | undefined;

  constructor(private readonly opts: DaemonOptions) {
    this.#journal = new Journal(join(opts.config.stateDir, 'journal.jsonl'));
    this.#summaries = new Journal(join(opts.config.stateDir, 'monitor-journal.jsonl'), (s) => s.id);
    this.#engines = selectEngine(opts.config.engine);
    this.engine = this.#engines.engine;
    this.#updater = new Updater({
      log: opts.log,
      stateDir: opts.config.stateDir,
      args: opts.args ?? [],
      transport: () => this.#client.transport,
      engineReady: () => this.engine.unavailable() === undefined,
      drain: () => this.#drain(),
      resume: () => (this.#draining = false),
      report: (r) => this.#reportUpdate(r),
      restart: (executable) => {
        this.restartInto = executable;
        this.stop();
      },
    });
  }

  get log(): Logger {
    return this.opts.log;
  }

  /** Enrols when this state folder has no identity yet; then runs until stop(). */
  async run(): Promise<void> {
    const statePath = join(this.opts.config.stateDir, 'agent.json');
    this.identity = readIdentity(statePath);
    if (!this.identity) {
      this.identity = await this.#enrol();
      await writeIdentity(statePath, this.identity);
    } else if (this.identity.url !== this.opts.url) {
      this.log.warn('server URL differs from the enrolled one; using the enrolled one', {
        enrolled: this.identity.url,
        given: this.opts.url,
      });
    }
    this.#client = new ServerClient({
      url: this.identity.url,
      fingerprint: this.identity.fingerprint,
      key: this.identity.key,
    });
    if (this.#client.transport.plaintext)
      this.log.warn('PLAINTEXT connection to the server: traffic and the agent key are not protected', {
        url: this.identity.url,
      });
    this.log.info('agent running', {
      agentId: this.identity.agentId,
      name: this.identity.name,
      engine: this.engine.name,
      unavailableEngines: this.#engines.unavailable,
      pending: this.#journal.pending().length,
    });
    const agentId = this.identity.agentId;
    this.#monitors = new MonitorRunner(
      join(this.opts.config.stateDir, 'monitors.json'),
      this.opts.config.policy,
      {
        agentId,
        engine: this.engine,
        offsetMs: () => this.#clock.best()?.offsetMs ?? 0,
        emit: (summary) => this.#journalled(this.#summaries.append(summary), 'monitor summary'),
        warn: (message, fields) => this.#report(message, fields),
      },
    );
    // Monitors run again at once after a restart, with what the server last assigned.
    await this.#monitors.resume();
    const caps = capabilityWarning();
    if (caps) this.#report(caps);
    this.#updateReport = this.#updater.start();
    const poller = new RemotePoller({
      client: () => this.#client,
      log: this.log,
      site: () => this.#site,
      offsetMs: () => this.#clock.best()?.offsetMs ?? 0,
      fatal: (err) => this.#fatal(err),
      signal: this.#stop.signal,
    });
    await Promise.all([this.#heartbeatLoop(), this.#leaseLoop(), this.#uploadLoop(), poller.run()]);
    // What was recorded up to the stop is on disk before the process ends (a restart uploads it).
    await Promise.all([this.#journal.settled(), this.#summaries.settled()]);
  }

  stop(): void {
    this.#stop.abort();
    this.#monitors?.stop();
    for (const c of this.#running.values()) c.abort();
    this.#wakeUpload?.();
    this.#client?.close();
  }

  async #enrol(): Promise<AgentIdentity> {
    if (!this.opts.token)
      throw new Error('not enrolled yet: give --token (an enrolment token from an admin)');
    const token = parseEnrolmentToken(this.opts.token);
    const client = new ServerClient({
      url: this.opts.url,
      ...(token.fingerprint && { fingerprint: token.fingerprint }),
    });
    if (client.transport.plaintext)
      this.log.warn('PLAINTEXT enrolment: the server allows unencrypted agents', { url: this.opts.url });
    const backoff = new Backoff();
    try {
      for (;;) {
        try {
          const r = await client.enrol(token.secret, this.opts.config.name, this.#facts());
          this.log.info('enrolled', { agentId: r.agentId });
          // The token is burnt: its file (install.sh's) has nothing left to give.
          if (this.opts.config.tokenFile) rmSync(this.opts.config.tokenFile, { force: true });
          return {
            url: this.opts.url,
            ...(token.fingerprint && { fingerprint: token.fingerprint }),
            agentId: r.agentId,
            key: r.key,
            name: this.opts.config.name,
          };
        } catch (err) {
          // A refusal or a wrong certificate will not change by retrying.
          if (err instanceof ServerRefused || err instanceof PinMismatch) throw err;
          const wait = backoff.next();
          this.log.warn('enrolment failed, retrying', { error: (err as Error).message, retryMs: wait });
          await this.#sleep(wait);
          if (this.#stop.signal.aborted) throw new Error('stopped before enrolment');
        }
      }
    } finally {
      client.close();
    }
  }

  #facts() {
    return hostFacts(this.engine.name, this.#engines.available, this.opts.config.policy);
  }

  #sleep(ms: number): Promise<boolean> {
    return wait(ms, this.#stop.signal);
  }

  /** Logs an error and queues it for the server through the squeezer. */
  #report(message: string, fields?: object) {
    this.log.error(message, fields);
    this.#events.report(message);
  }

  /** A failure the loops cannot get past: an admin disconnected this agent or deleted it. */
  #fatal(err: unknown): boolean {
    if (err instanceof ServerRefused && (err.code === 'agent_disconnected' || err.status === 401)) {
      this.log.error('the server refuses this agent; stopping', { code: err.code, message: err.message });
      this.refused = true;
      this.stop();
      return true;
    }
    return false;
  }

  /** One heartbeat: facts when asked, the clock estimate, squeezed events and update progress. */
  async #beat(withFacts: boolean): Promise<void> {
    const clock = this.#clock.best();
    const events = this.#events.drain();
    const update = this.#updateReport;
    const r = await this.#client.heartbeat({
      t0: nowMs(),
      ...(withFacts && { facts: this.#facts() }),
      ...(clock && { clock }),
      ...(events.length && { events }),
      ...(update && { update }),
      ...(this.#monitors?.revision !== undefined && { monitorRevision: this.#monitors.revision }),
    });
    if (this.#updateReport === update) this.#updateReport = undefined;
    this.#clock.add(r.sample);
    this.#heartbeatMs = r.heartbeatSeconds * 1000;
    if (r.site !== this.#site) this.log.info('remote poller', { site: r.site ?? null });
    this.#site = r.site;
    for (const id of r.stopJobs) this.#running.get(id)?.abort();
    const confirmed = this.#updater.beat();
    if (confirmed) await this.#reportUpdate(confirmed);
    if (r.update) this.#updater.offer(r.update);
    if (r.monitors) {
      this.log.info('monitor assignments', {
        revision: r.monitors.revision,
        monitors: r.monitors.assignments.length,
      });
      await this.#monitors?.update(r.monitors);
    }
  }

  /** Queues update progress and sends it with a beat now (the heartbeat loop retries when that fails). */
  async #reportUpdate(r: UpdateReport): Promise<void> {
    this.#updateReport = r;
    await this.#beat(false).catch((err: unknown) =>
      this.log.warn('update report not sent yet', { error: (err as Error).message }),
    );
  }

  /** Stops leasing new jobs and waits until the ones in flight are done. */
  async #drain(): Promise<void> {
    this.#draining = true;
    this.#lease?.abort();
    while ((this.#lease || this.#running.size) && !this.#stop.signal.aborted) await this.#sleep(200);
  }

  /** A server refusing this release as outdated names the release to install: take it. */
  #outdated(err: unknown): boolean {
    if (!(err instanceof ServerRefused) || err.code !== 'agent_outdated') return false;
    this.log.error('the server refuses this release as outdated', { message: err.message });
    const offer = err.body.update;
    if (isOffer.Check(offer)) this.#updater.offer(offer);
    return true;
  }

  async #heartbeatLoop(): Promise<void> {
    const backoff = new Backoff();
    let beats = 0;
    while (!this.#stop.signal.aborted) {
      try {
        // A burst at the first beat, so that a job leased right after start already has a good offset.
        await this.#probeClock(beats === 0 ? STARTUP_PROBES : PROBES_PER_BEAT);
        await this.#beat(beats % 12 === 0);
        beats++;
        backoff.reset();
        this.#wakeUpload?.(); // the server is reachable: flush what waits in the journal
        await this.#sleep(this.#heartbeatMs);
      } catch (err) {
        if (this.#fatal(err)) return;
        this.#outdated(err);
        const wait = Math.min(backoff.next(), this.#heartbeatMs);
        this.log.warn('heartbeat failed', { error: (err as Error).message, retryMs: wait });
        await this.#sleep(wait);
      }
    }
  }

  /** Quick clock probes (no database work on the server): the least-delayed one bounds the offset error best. */
  async #probeClock(count: number): Promise<void> {
    for (let i = 0; i < count; i++) this.#clock.add(await this.#client.time());
  }

  async #leaseLoop(): Promise<void> {
    const backoff = new Backoff();
    while (!this.#stop.signal.aborted) {
      if (this.#draining) {
        await this.#sleep(1000);
        continue;
      }
      try {
        const lease = (this.#lease = new AbortController());
        const job = await this.#client
          .lease(LEASE_WAIT_MS, lease.signal)
          .finally(() => (this.#lease = undefined));
        backoff.reset();
        // A lease answer can come twice for one attempt; a new attempt means the server gave the old one up
        // (it lost this agent for a while): stop the old run and start the plan afresh.
        if (job && !this.#seen.has(`${job.id}#${job.attempt}`)) {
          this.#seen.add(`${job.id}#${job.attempt}`);
          this.#running.get(job.id)?.abort();
          void this.#runJob(job);
        }
      } catch (err) {
        if (this.#fatal(err)) return;
        if (this.#draining && (err as Error).name === 'AbortError') continue;
        const wait = backoff.next();
        this.log.warn('lease failed', { error: (err as Error).message, retryMs: wait });
        await this.#sleep(wait);
      }
    }
  }

  #record(jobId: string, result: JobResult) {
    this.#journalled(this.#journal.append({ jobId, result }), 'job result');
  }

  /** Once an entry is on disk the uploader may send it; an entry that could not be written is reported. */
  #journalled(written: Promise<void>, what: string): void {
    written.then(
      () => this.#wakeUpload?.(),
      (err: Error) => this.#report(`${what} lost: the journal could not be written`, { error: err.message }),
    );
  }

  async #runJob(job: JobLease): Promise<void> {
    const offset = this.#clock.best()?.offsetMs ?? 0;
    const startLocal = job.startAt - offset;
    const log = this.log;
    log.info('job leased', {
      jobId: job.id,
      attempt: job.attempt,
      participant: job.participant,
      steps: job.plan.steps.length,
      startsInMs: Math.round(startLocal - Date.now()),
    });
    const final = (f: FinalResult) =>
      this.#record(
        job.id,
        newResult(job.attempt, 'final', { ...f, clockOffsetMs: offset, engine: this.engine.name }),
      );
    const refusals = policyRefusals(job.plan, this.opts.config.policy);
    if (refusals.length) {
      log.warn('job refused by local policy', { jobId: job.id, refusals });
      final({
        ok: false,
        message: `refused by local policy: ${refusals.join('; ')}`,
        summary: { refused: refusals },
      });
      return;
    }
    const why = this.engine.unavailable();
    if (why) {
      const caps = capabilityWarning();
      final({
        ok: false,
        message: `packet engine ${this.engine.name} unavailable: ${why}${caps ? `; ${caps}` : ''}`,
      });
      return;
    }
    const abort = new AbortController();
    this.#running.set(job.id, abort);
    try {
      const outcome = await runPlan(job.plan, startLocal, {
        engine: this.engine,
        interfaces,
        emit: (kind, data) => this.#record(job.id, newResult(job.attempt, kind, data)),
        barrier: (name, timeoutMs) => this.#barrier(job, name, timeoutMs, abort.signal),
        signal: abort.signal,
      });
      final({ ok: outcome.ok, message: outcome.message, summary: outcome.summary });
      log.info('job finished', { jobId: job.id, ok: outcome.ok, message: outcome.message });
    } catch (err) {
      this.#report(`job failed: ${(err as Error).message}`, { jobId: job.id });
      final({ ok: false, message: `agent error: ${(err as Error).message}` });
    } finally {
      if (this.#running.get(job.id) === abort) this.#running.delete(job.id);
    }
  }

  async #barrier(job: JobLease, name: string, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (!signal.aborted) {
      const left = end - Date.now();
      try {
        const r = await this.#client.barrier(job.id, job.attempt, name, Math.max(0, Math.min(left, 25_000)));
        if (r.passed) return true;
      } catch (err) {
        this.log.warn('barrier call failed', { error: (err as Error).message });
        await this.#sleep(500);
      }
      if (Date.now() >= end) return false;
    }
    return false;
  }

  /** Waits `ms`, or less when a result is recorded or a beat shows the server is back. */
  #uploadPause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#wakeUpload = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async #uploadLoop(): Promise<void> {
    const backoff = new Backoff();
    while (!this.#stop.signal.aborted) {
      const summaries = this.#summaries.pending().slice(0, UPLOAD_BATCH);
      if (summaries.length) {
        try {
          // Stored, duplicates (a replay) and ignored (a monitor gone) are all acknowledged.
          await this.#client.summaries([...summaries]);
          await this.#summaries.ack(new Set(summaries.map((s) => s.id)));
          backoff.reset();
        } catch (err) {
          if (this.#fatal(err)) return;
          if (err instanceof ServerRefused && err.status === 400) {
            // The server will never take these (a protocol mismatch): kept, they would block the journal.
            this.#report('monitor summaries dropped: the server refuses them', {
              error: err.message,
              count: summaries.length,
            });
            await this.#summaries.ack(new Set(summaries.map((s) => s.id)));
            continue;
          }
          const wait = backoff.next();
          this.log.warn('summary upload failed; summaries stay in the journal', {
            error: (err as Error).message,
            pending: this.#summaries.pending().length,
            retryMs: wait,
          });
          await this.#uploadPause(wait);
        }
        continue;
      }
      const pending = this.#journal.pending();
      if (!pending.length) {
        await this.#uploadPause(5000);
        continue;
      }
      const jobId = pending[0]!.jobId;
      const batch = pending.filter((e) => e.jobId === jobId).slice(0, UPLOAD_BATCH);
      try {
        await this.#client.upload(
          jobId,
          batch.map((e) => e.result),
        );
        await this.#journal.ack(new Set(batch.map((e) => e.result.id)));
        backoff.reset();
      } catch (err) {
        if (err instanceof ServerRefused && err.status === 404) {
          // The job is gone from the server (deleted run): keeping its results would block the journal forever.
          this.#report('results dropped: the server no longer knows the job', { jobId, count: batch.length });
          await this.#journal.ack(new Set(batch.map((e) => e.result.id)));
          continue;
        }
        if (this.#fatal(err)) return;
        const wait = backoff.next();
        this.log.warn('upload failed; results stay in the journal', {
          error: (err as Error).message,
          pending: pending.length,
          retryMs: wait,
        });
        await this.#uploadPause(wait);
      }
    }
  }
}
