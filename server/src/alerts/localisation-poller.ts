// Polls the counters along a degraded or lost cell's expected path while its alert fires, feeds the
// series to the localisation rule and stores the result with the incident; stops when the alert is no
// longer firing. Bounded: at most `maxDevices` hops per incident, and per device no more than
// `requestsPerSecond` requests (one GET per hop and poll), whatever the number of incidents.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/connect.ts';
import { toJson } from '../db/json-column.ts';
import { localise, type HopSample, type HopSpec, type Localisation } from './localise.ts';

/** One hop as the poller reads it; `device` is the key the per-device rate bound is kept by. */
export interface PlannedHop extends HopSpec {
  /** Reads the hop's counters once; throws (or resolves undefined) when the device does not answer. */
  read(): Promise<Omit<HopSample, 'at'> | undefined>;
}

export interface PollPlan {
  alertId: string;
  receiver: string;
  hops: PlannedHop[];
}

export interface LocalisationSettings {
  periodMs: number;
  maxDevices: number;
  requestsPerSecond: number;
}

/** Polls kept per hop: enough for the rule to count several flat intervals. */
const KEEP = 6;

interface Watch {
  plan: PollPlan;
  samples: (HopSample | undefined)[][];
  timer: NodeJS.Timeout;
  busy?: Promise<void>;
}

export class LocalisationPoller {
  readonly #watches = new Map<string, Watch>();
  /** Per device, settles when its next request may go out. */
  readonly #turn = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly log: FastifyBaseLogger,
    private readonly settings: LocalisationSettings,
  ) {}

  /** Starts polling for an alert (a second start for the same alert is ignored). */
  watch(plan: PollPlan): void {
    if (this.#watches.has(plan.alertId)) return;
    const p = { ...plan, hops: plan.hops.slice(0, this.settings.maxDevices) };
    const w: Watch = {
      plan: p,
      samples: p.hops.map(() => []),
      timer: setInterval(() => this.#tick(w), this.settings.periodMs),
    };
    this.#watches.set(p.alertId, w);
    this.#tick(w);
  }

  watching(alertId: string): boolean {
    return this.#watches.has(alertId);
  }

  async stop(): Promise<void> {
    const busy = [...this.#watches.values()].map((w) => w.busy);
    for (const id of [...this.#watches.keys()]) this.#end(id);
    await Promise.all(busy);
  }

  #end(alertId: string) {
    const w = this.#watches.get(alertId);
    if (!w) return;
    clearInterval(w.timer);
    this.#watches.delete(alertId);
  }

  #tick(w: Watch) {
    // A poll still running when the next is due: skip this one rather than pile up.
    w.busy ??= this.#poll(w)
      .catch((err: unknown) =>
        this.log.warn({ alert: w.plan.alertId, err: (err as Error).message }, 'localisation poll failed'),
      )
      .finally(() => (w.busy = undefined));
  }

  async #poll(w: Watch) {
    const firing = await this.db.prisma.alert.findUnique({
      where: { id: w.plan.alertId },
      select: { state: true, incident: { select: { id: true } } },
    });
    if (firing?.state !== 'firing' || !firing.incident) return this.#end(w.plan.alertId);
    const polled = await Promise.all(w.plan.hops.map((h) => this.#read(h)));
    polled.forEach((s, i) => w.samples[i]!.push(s) > KEEP && w.samples[i]!.shift());
    const result = localise([{ receiver: w.plan.receiver, hops: w.plan.hops, samples: w.samples }]);
    await this.#store(firing.incident.id, w.plan.alertId, result);
  }

  /** One hop's counters, after waiting for the device's next free request slot. */
  async #read(h: PlannedHop): Promise<HopSample | undefined> {
    await this.#slot(h.device);
    try {
      const c = await h.read();
      return c && { ...c, at: Date.now() };
    } catch (err) {
      // The reader's failures are classified SNMP errors: they name the device, never its credential.
      this.log.info({ device: h.device, err: (err as Error).message }, 'localisation: hop did not answer');
      return undefined;
    }
  }

  /**
   * Waits for the device's turn. Requests to one device queue behind each other, and each frees the
   * next a full gap after it actually started, so a timer that fired late never lets two requests
   * go out closer than the bound.
   */
  async #slot(device: string) {
    const previous = this.#turn.get(device);
    let free!: () => void;
    const turn = new Promise<void>((r) => (free = r));
    this.#turn.set(device, turn);
    await previous;
    setTimeout(() => {
      if (this.#turn.get(device) === turn) this.#turn.delete(device);
      free();
    }, 1000 / this.settings.requestsPerSecond);
  }

  async #store(incidentId: string, alertId: string, l: Localisation) {
    // Written only while the alert still fires, so a result never lands after the clear.
    await this.db.prisma.incident.updateMany({
      where: { id: incidentId, alert: { id: alertId, state: 'firing' } },
      data: { localisation: toJson({ at: new Date().toISOString(), ...l }) },
    });
  }
}
