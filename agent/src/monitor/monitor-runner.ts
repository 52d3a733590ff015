// The monitors this agent runs: the assignments the server sent with a heartbeat, kept in the state
// folder so they run again right after an agent restart (and on while the server is away), checked
// against the local policy (interfaces, beacon rate), and applied by difference: an unchanged
// assignment keeps running untouched, a receiver told to leave or rejoin just does that.
import { existsSync, readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import {
  beaconLimit,
  interfaceAllowed,
  MonitorAssignmentsSchema,
  type AgentPolicy,
  type MonitorAssignment,
  type MonitorAssignments,
} from '@netspotter/shared/agent-protocol';
import { writeJsonFile } from '../state-file.ts';
import { RunningMonitor, type MonitorEnv } from './running-monitor.ts';

/** An assignment's identity apart from the receivers' joined flags. */
const shape = (a: MonitorAssignment) =>
  JSON.stringify({ ...a, groups: a.groups.map((g) => ({ ...g, joined: undefined })) });

export class MonitorRunner {
  readonly #running = new Map<string, RunningMonitor>();
  #revision?: string;
  /** Writes of the kept assignments, one at a time in the order asked (they share a temp file). */
  #kept: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly policy: AgentPolicy,
    private readonly env: MonitorEnv,
  ) {}

  /** The revision the agent runs (sent with each heartbeat). */
  get revision(): string | undefined {
    return this.#revision;
  }

  get running(): readonly RunningMonitor[] {
    return [...this.#running.values()];
  }

  /** Runs the assignments kept from before a restart, if any. */
  async resume(): Promise<void> {
    if (!existsSync(this.path)) return;
    const kept: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
    if (Value.Check(MonitorAssignmentsSchema, kept)) await this.#apply(kept);
    else
      this.env.warn('kept monitor assignments are unreadable; waiting for the server', { path: this.path });
  }

  /** New assignments from the server: applied, and kept for a restart meanwhile (the fsync can take seconds). */
  async update(next: MonitorAssignments): Promise<void> {
    const kept = this.#kept.then(() => writeJsonFile(this.path, next));
    this.#kept = kept.catch(() => undefined);
    await Promise.all([kept, this.#apply(next)]);
  }

  async #apply(next: MonitorAssignments): Promise<void> {
    this.#revision = next.revision;
    const wanted = new Map(next.assignments.map((a) => [a.monitorId, a]));
    for (const [id, m] of this.#running)
      if (wanted.get(id) === undefined || shape(wanted.get(id)!) !== shape(m.assignment)) {
        m.stop();
        this.#running.delete(id);
      }
    // The beacon rate the policy allows is shared by all monitors, in the order the server lists them.
    let budget = beaconLimit(this.policy) ?? Infinity;
    for (const a of next.assignments) {
      const rate = a.groups.filter((g) => g.send).length * a.beaconPps;
      const have = this.#running.get(a.monitorId);
      if (have) {
        budget -= rate;
        await have.setJoined(a.groups);
        continue;
      }
      const problems: string[] = [];
      if (!interfaceAllowed(this.policy, a.interface)) {
        problems.push(`interface ${a.interface} is not allowed by local policy`);
        const m = new RunningMonitor({ ...a, groups: [] }, this.env, problems, false);
        this.#running.set(a.monitorId, m);
        await m.start();
        continue;
      }
      const maySend = rate <= budget;
      if (!maySend)
        problems.push(`beacon rate ${rate}/s is above what local policy leaves (${budget}/s): not sending`);
      else budget -= rate;
      const m = new RunningMonitor(a, this.env, problems, maySend);
      this.#running.set(a.monitorId, m);
      try {
        await m.start();
      } catch (err) {
        problems.push(`cannot run: ${(err as Error).message}`);
        this.env.warn('monitor failed to start', { monitor: a.name, error: (err as Error).message });
      }
    }
  }

  stop(): void {
    for (const m of this.#running.values()) m.stop();
    this.#running.clear();
  }
}
