// Polls the counters along the expected paths toward a degraded or lost cell's receiver (and the other
// receivers of its flow) while its alert fires, feeds each receiver's series to the localisation rule and
// stores the result with the incident; stops when the alert is no longer firing. Bounded: at most
// `maxDevices` devices per incident, and per device no more than `requestsPerSecond` requests, whatever
// the number of incidents. A device read is one GET per poll whatever its number of out ports: the ports
// (and a second in point) add objects to that GET, never requests.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/connect.ts';
import { toJson } from '../db/json-column.ts';
import { localise, type HopSample, type HopSpec, type Localisation } from './localise.ts';

/** One device as the poller reads it; `device` is the key the per-device rate bound is kept by. */
export interface PlannedRead {
  device: string;
  /**
   * Reads the device's counters once, one sample per out port; throws (or resolves undefined) when the
   * device does not answer.
   */
  read(): Promise<Omit<HopSample, 'at'>[] | undefined>;
}

/** A receiver's path: per hop, which read and which of its port samples make the hop's points. */
export interface PolledPath {
  receiver: string;
  hops: (HopSpec & { read: number; port: number })[];
}

export interface PollPlan {
  alertId: string;
  reads: PlannedRead[];
  /** The alert's own receiver's path first, then the other receivers' of the flow. */
  paths: PolledPath[];
}

export interface LocalisationSettings {
  periodMs: number;
  maxDevices: number;
  requestsPerSecond: number;
}

/** Polls kept per hop: enough for the rule to count several flat intervals. */
const KEEP = 6;

/** One answered poll of a device: a sample per out port. */
type Reading = HopSample[] | undefined;

interface Watch {
  plan: PollPlan;
  /** Per read, its polls in time order. */
  readings: Reading[][];
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
    // The device limit holds whatever the plan asked: reads of devices beyond it are left out.
    const devices = [...new Set(plan.reads.map((r) => r.device))].slice(0, this.settings.maxDevices);
    const reads = plan.reads.filter((r) => devices.includes(r.device));
    const p = {
      ...plan,
      reads,
      paths: plan.paths.map((path) => ({
        ...path,
        hops: path.hops.flatMap((h) =>
          devices.includes(plan.reads[h.read]!.device)
            ? [{ ...h, read: reads.indexOf(plan.reads[h.read]!) }]
            : [],
        ),
      })),
    };
    const w: Watch = {
      plan: p,
      readings: p.reads.map(() => []),
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
    const polled = await Promise.all(w.plan.reads.map((r) => this.#read(r)));
    polled.forEach((s, i) => w.readings[i]!.push(s) > KEEP && w.readings[i]!.shift());
    const result = localise(
      w.plan.paths.map((p) => ({
        receiver: p.receiver,
        hops: p.hops,
        samples: p.hops.map((h) => w.readings[h.read]!.map((r) => r?.[h.port])),
      })),
    );
    // The other receivers' paths tell the branch that stopped from those still forwarding; a suspect that
    // explains none of the alert's own receiver (one flat interval on a branch still served, say) is not
    // this incident's.
    const own = w.plan.paths[0]?.receiver;
    result.suspects = result.suspects.filter((x) => own !== undefined && x.receivers.includes(own));
    await this.#store(firing.incident.id, w.plan.alertId, result);
  }

  /** One device's counters, after waiting for its next free request slot. */
  async #read(h: PlannedRead): Promise<Reading> {
    const started = await this.#slot(h.device);
    try {
      started();
      const c = await h.read();
      const at = Date.now();
      return c?.map((port) => ({ ...port, at }));
    } catch (err) {
      // The reader's failures are classified SNMP errors: they name the device, never its credential.
      this.log.info({ device: h.device, err: (err as Error).message }, 'localisation: hop did not answer');
      return undefined;
    }
  }

  /**
   * Waits for the device's turn; answers the function to call as its request goes out. Requests to one
   * device queue behind each other, and each frees the next a full gap after it went out, read on the
   * clock: the turn can come long before its request goes (other devices' reads of the same poll run
   * first), and a timer counts from the start of the event-loop turn it was set in, so on a busy loop it
   * fires early. Either let two requests go out closer than the bound (188 ms apart at 5/s, seen in CI).
   */
  async #slot(device: string): Promise<() => void> {
    const previous = this.#turn.get(device);
    let free!: () => void;
    const turn = new Promise<void>((r) => (free = r));
    this.#turn.set(device, turn);
    await previous;
    return () => {
      const until = performance.now() + 1000 / this.settings.requestsPerSecond;
      const release = () => {
        const left = until - performance.now();
        if (left > 0) return void setTimeout(release, Math.ceil(left));
        if (this.#turn.get(device) === turn) this.#turn.delete(device);
        free();
      };
      release();
    };
  }

  async #store(incidentId: string, alertId: string, l: Localisation) {
    // Written only while the alert still fires, so a result never lands after the clear.
    await this.db.prisma.incident.updateMany({
      where: { id: incidentId, alert: { id: alertId, state: 'firing' } },
      data: { localisation: toJson({ at: new Date().toISOString(), ...l }) },
    });
  }
}
