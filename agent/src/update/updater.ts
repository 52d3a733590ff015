// Updates from the server. An offered release is fetched over the pinned channel and checked against the
// SHA-256 the server signed off, once the jobs in flight have finished (no new ones are leased meanwhile);
// then tried (trial.ts), switched to atomically and restarted into. The new process must beat within
// the timeout or it switches back and restarts the old release; every step is reported to the server.
import { rmSync } from 'node:fs';
import type { UpdateOffer, UpdateReport } from '@netspotter/shared/agent-protocol';
import type { Transport } from '../client/transport.ts';
import type { Logger } from '../log.ts';
import { AGENT_VERSION } from '../version.ts';
import { fetchRelease } from './fetch-release.ts';
import {
  currentVersion,
  installLayout,
  pruneReleases,
  releaseDir,
  releaseExecutable,
  switchCurrent,
  type InstallLayout,
} from './install-layout.ts';
import { TrialFailed, tryRelease } from './trial.ts';
import { clearMarker, readMarker, writeMarker } from './update-marker.ts';

/** How long a new release has to beat: in its trial, and again after the switch. */
export const UPDATE_TIMEOUT_MS = 60_000;

export interface UpdaterHost {
  log: Logger;
  stateDir: string;
  /** The command-line arguments to start a release with. */
  args: string[];
  transport(): Transport;
  /** Whether this release's packet engine can run (a new one that cannot is not switched to). */
  engineReady(): boolean;
  /** Stops leasing jobs; resolves once none runs. */
  drain(): Promise<void>;
  resume(): void;
  /** Sends the report with a heartbeat now (and queues it again if that beat fails). */
  report(r: UpdateReport): Promise<void>;
  /** Stops the agent to restart into `executable`. */
  restart(executable: string): void;
}

export class Updater {
  #busy: string | undefined;
  #rollbackTimer: ReturnType<typeof setTimeout> | undefined;
  /** The release this one replaced, while the switch is not yet confirmed by a beat. */
  #switchedFrom: string | undefined;
  readonly #layout: InstallLayout | undefined;

  constructor(
    private readonly host: UpdaterHost,
    layout: InstallLayout | undefined = installLayout(),
    private readonly timeoutMs = UPDATE_TIMEOUT_MS,
  ) {
    this.#layout = layout;
  }

  /**
   * At start: a switch this process must confirm by beating in time (else it switches back), or a switch
   * back to report. Returns the report to send with the first beat.
   */
  start(): UpdateReport | undefined {
    const m = readMarker(this.host.stateDir);
    if (!m) return undefined;
    if (m.phase === 'rolled-back' || m.to !== AGENT_VERSION) {
      clearMarker(this.host.stateDir);
      return { version: m.to, state: 'rolled-back', message: m.message ?? `back on ${AGENT_VERSION}` };
    }
    this.#switchedFrom = m.from;
    this.#rollbackTimer = setTimeout(() => this.#rollBack(m.from), this.timeoutMs);
    this.#rollbackTimer.unref?.();
    return undefined;
  }

  /** A beat got through: a switch to this release is confirmed. */
  beat(): UpdateReport | undefined {
    if (!this.#rollbackTimer) return undefined;
    clearTimeout(this.#rollbackTimer);
    this.#rollbackTimer = undefined;
    clearMarker(this.host.stateDir);
    // The release it replaced stays, to fall back to by hand; older ones go.
    if (this.#layout) pruneReleases(this.#layout, [AGENT_VERSION, this.#switchedFrom ?? AGENT_VERSION]);
    this.host.log.info('update confirmed: this release beat', { version: AGENT_VERSION });
    return { version: AGENT_VERSION, state: 'succeeded' };
  }

  /** An offer from the server (heartbeat answer, or the refusal of an outdated agent). */
  offer(o: UpdateOffer): void {
    if (this.#busy || o.version === AGENT_VERSION) return;
    this.#busy = o.version;
    void this.#apply(o).finally(() => (this.#busy = undefined));
  }

  async #apply(o: UpdateOffer): Promise<void> {
    const { host } = this;
    const layout = this.#layout;
    const report = (state: UpdateReport['state'], message?: string) =>
      host.report({ version: o.version, state, ...(message && { message }) });
    if (!layout) {
      await report(
        'failed',
        'this agent is not an installed release (install.sh): update it where it was installed from',
      );
      return;
    }
    host.log.info('update offered: finishing jobs in flight first', { from: AGENT_VERSION, to: o.version });
    await host.drain();
    try {
      await report('downloading');
      await fetchRelease(host.transport(), o, layout);
      await report('trial');
      const trial = await tryRelease(releaseExecutable(layout, o.version), host.args, this.timeoutMs);
      if (host.engineReady() && !trial.engineReady)
        throw new TrialFailed(
          `its packet engine ${trial.engine} cannot run here, while ${AGENT_VERSION}'s can`,
        );
      const from = currentVersion(layout);
      writeMarker(host.stateDir, { from, to: o.version, phase: 'switched', at: Date.now() });
      switchCurrent(layout, o.version);
      await report('restarting');
      host.log.info('update: switched, restarting', { from, to: o.version });
      host.restart(releaseExecutable(layout, o.version));
    } catch (err) {
      const message = (err as Error).message;
      const rolledBack = err instanceof TrialFailed;
      host.log.error(rolledBack ? 'update rolled back: the new release failed its trial' : 'update failed', {
        version: o.version,
        error: message,
      });
      // A release that did not become current is of no use: its folder goes.
      if (currentVersion(layout) !== o.version)
        rmSync(releaseDir(layout, o.version), { recursive: true, force: true });
      await report(
        rolledBack ? 'rolled-back' : 'failed',
        rolledBack
          ? `release ${o.version} failed its trial (${message}); staying on ${AGENT_VERSION}`
          : message,
      );
      host.resume();
    }
  }

  #rollBack(to: string): void {
    const layout = this.#layout;
    this.#rollbackTimer = undefined;
    const message = `release ${AGENT_VERSION} did not beat within ${Math.round(this.timeoutMs / 1000)} s after the switch; back on ${to}`;
    this.host.log.error('update rolled back', { from: AGENT_VERSION, to });
    if (!layout) return;
    writeMarker(this.host.stateDir, {
      from: to,
      to: AGENT_VERSION,
      phase: 'rolled-back',
      message,
      at: Date.now(),
    });
    switchCurrent(layout, to);
    this.host.restart(releaseExecutable(layout, to));
  }
}
