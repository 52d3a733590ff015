// One monitor assignment as this agent runs it: beacons sent from a kernel UDP socket into each group it
// sends to (at the monitor's rate, with its hop limit), kernel memberships for each group it receives
// (MLDv2 INCLUDE {S} for SSM, EXCLUDE {} for ASM: the host sends real reports), a capture per received
// group (the hop limit a socket cannot see), and one summary per interval on the server's clock. A
// watched group is joined the same way; its stream is accounted per source address (watch-tracker.ts).
import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import type {
  AssignedGroup,
  MonitorAssignment,
  MonitorSummary,
  ReceivedGroup,
  SentGroup,
} from '@netspotter/shared/agent-protocol';
import { builtinLibrary, formatIpv6, type TemplateLibrary } from '@netspotter/shared';
import type { EngineHandle, PacketEngine } from '../engine/engine.ts';
import { Memberships } from '../membership.ts';
import { decodeBeacon, encodeBeacon, udp6Payload } from './beacon.ts';
import { SourceTracker } from './source-tracker.ts';
import { streamSequence } from './stream-sequence.ts';
import { WatchTracker } from './watch-tracker.ts';

export interface MonitorEnv {
  agentId: string;
  engine: PacketEngine;
  /** Server clock minus local clock, ms (0 until the first clock sample). */
  offsetMs(): number;
  emit(summary: MonitorSummary): void;
  warn(message: string, fields?: object): void;
}

interface Receiving {
  group: AssignedGroup;
  handle?: EngineHandle;
  /** Beacon groups: per sending agent. */
  trackers: Map<string, SourceTracker>;
  /** Watched groups: per source address. */
  watchers: Map<string, WatchTracker>;
  badSignatures: number;
  joined: boolean;
  /** Capture drops counted up to the last interval's end. */
  dropped: number;
  /** Joined at this time and no packet came since (a watch's first source measures join latency). */
  awaitingFirst?: number;
  leftAt?: number;
  lastAfterLeave?: number;
  leaveLatencyMs?: number;
}

interface Sending {
  group: AssignedGroup;
  socket: Socket;
  timer?: NodeJS.Timeout;
  seq: number;
  count: number;
}

export class RunningMonitor {
  readonly #key: Buffer;
  /** This run's epoch: receivers restart their sequence accounting when it changes. */
  readonly #epoch = Date.now();
  readonly #memberships = new Memberships();
  readonly #receiving: Receiving[] = [];
  readonly #sending: Sending[] = [];
  /** Watches read sequence fields of the monitor's user templates. */
  #library?: TemplateLibrary;
  #intervalTimer?: NodeJS.Timeout;
  #nextStart?: number;
  #stopped = false;

  constructor(
    readonly assignment: MonitorAssignment,
    private readonly env: MonitorEnv,
    /** Why parts cannot run (local policy, the engine): reported with every summary. */
    readonly problems: string[],
    /** Whether this agent may send beacons (the policy allows the rate). */
    private readonly maySend: boolean,
  ) {
    this.#key = Buffer.from(assignment.key, 'base64');
  }

  async start(): Promise<void> {
    const a = this.assignment;
    for (const g of a.groups) {
      if (g.kind === 'beacon' && g.send && this.maySend) await this.#startSending(g);
      if (g.receive) await this.#startReceiving(g);
    }
    this.#scheduleInterval();
  }

  async #startSending(g: AssignedGroup): Promise<void> {
    const a = this.assignment;
    const socket = createSocket({ type: 'udp6', reuseAddr: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      // SSM receivers include only the source address: send from it.
      socket.bind(0, g.mode === 'ssm' && g.source ? g.source : '::', () => resolve());
    });
    socket.on('error', (err) =>
      this.env.warn('beacon socket error', { monitor: a.name, error: err.message }),
    );
    socket.setMulticastInterface(`::%${a.interface}`);
    socket.setMulticastTTL(a.hopLimit);
    socket.setMulticastLoopback(false);
    const s: Sending = { group: g, socket, seq: 0, count: 0 };
    const send = () => {
      const payload = encodeBeacon(
        {
          monitorId: a.monitorId,
          groupId: g.id,
          sender: this.env.agentId,
          epoch: this.#epoch,
          seq: s.seq,
          sentMs: Date.now() + this.env.offsetMs(),
          hopLimit: a.hopLimit,
        },
        this.#key,
      );
      s.seq++;
      s.count++;
      socket.send(payload, g.port, `${g.group}%${a.interface}`);
    };
    s.timer = setInterval(send, 1000 / a.beaconPps);
    send();
    this.#sending.push(s);
  }

  async #startReceiving(g: AssignedGroup): Promise<void> {
    const a = this.assignment;
    const r: Receiving = {
      group: g,
      trackers: new Map(),
      watchers: new Map(),
      badSignatures: 0,
      dropped: 0,
      joined: false,
    };
    for (const s of g.senders ?? []) r.trackers.set(s.agentId, new SourceTracker(s.agentId, s.address));
    const why = this.env.engine.unavailable();
    if (why) this.problems.push(`group ${g.group}: cannot capture (${why})`);
    else {
      r.handle = this.env.engine.open(a.interface, {
        filter: `ip6 dst host ${g.group} and udp dst port ${g.port} and inbound${g.kind === 'watch' && g.mode === 'ssm' && g.source ? ` and ip6 src host ${g.source}` : ''}`,
        bufferBytes: 4 * 1024 * 1024,
      });
      r.handle.onFrame((data, atMs) => this.#frame(r, data, atMs));
    }
    this.#receiving.push(r);
    if (g.joined) await this.#join(r);
  }

  #frame(r: Receiving, data: Uint8Array, atMs: number): void {
    const u = udp6Payload(data);
    if (!u) return;
    if (!r.joined) {
      if (r.leftAt !== undefined) r.lastAfterLeave = atMs;
      return;
    }
    if (r.group.kind === 'watch') return this.#watched(r, formatIpv6(u.source), u.payload, atMs);
    const b = decodeBeacon(u.payload, this.#key);
    if (b === undefined) return;
    if (b === 'forged' || b.monitorId !== this.assignment.monitorId || b.groupId !== r.group.id) {
      r.badSignatures++;
      return;
    }
    if (b.sender === this.env.agentId) return;
    let t = r.trackers.get(b.sender);
    if (!t) r.trackers.set(b.sender, (t = new SourceTracker(b.sender, formatIpv6(u.source))));
    t.add(b.epoch, b.seq, atMs + this.env.offsetMs() - b.sentMs, Math.max(0, b.hopLimit - u.hopLimit), atMs);
  }

  /** A packet of a watched stream: accounted under its source address (a new source gets a tracker). */
  #watched(r: Receiving, source: string, payload: Uint8Array, atMs: number): void {
    let w = r.watchers.get(source);
    if (!w) {
      const g = r.group;
      const seq =
        g.sequence &&
        streamSequence(
          g.sequence,
          (this.#library ??= builtinLibrary().with(this.assignment.templates ?? [])),
        );
      r.watchers.set(source, (w = new WatchTracker(source, g.silenceMs ?? 1000, seq)));
      if (r.awaitingFirst !== undefined) w.joined(r.awaitingFirst);
    }
    r.awaitingFirst = undefined;
    w.add(payload, atMs);
  }

  async #join(r: Receiving): Promise<void> {
    const g = r.group;
    await this.#memberships.join({
      interface: this.assignment.interface,
      group: g.group,
      ...(g.mode === 'ssm' && g.source && { source: g.source }),
    });
    const now = Date.now();
    for (const t of r.trackers.values()) t.joined(now);
    for (const w of r.watchers.values()) w.joined(now);
    r.awaitingFirst = now;
    r.joined = true;
    r.leftAt = r.lastAfterLeave = undefined;
  }

  #leave(r: Receiving): void {
    const g = r.group;
    this.#memberships.leave({
      interface: this.assignment.interface,
      group: g.group,
      ...(g.mode === 'ssm' && g.source && { source: g.source }),
    });
    r.joined = false;
    r.leftAt = Date.now();
    r.leaveLatencyMs = undefined;
  }

  /** An operator made this receiver leave or join again (the rest of the assignment is unchanged). */
  async setJoined(groups: readonly AssignedGroup[]): Promise<void> {
    for (const r of this.#receiving) {
      const want = groups.find((g) => g.id === r.group.id)?.joined ?? r.joined;
      if (want && !r.joined) await this.#join(r);
      else if (!want && r.joined) this.#leave(r);
    }
  }

  /** Arms the timer for the end of the current interval; each interval is closed once, in order. */
  #scheduleInterval(): void {
    if (this.#stopped) return;
    const ms = this.assignment.intervalMs;
    const serverNow = Date.now() + this.env.offsetMs();
    // After a close, the next interval follows it, even when a timer fired a little early or the clock
    // offset moved back: closing one interval twice would report a second, nearly empty summary.
    this.#armClose(Math.max(Math.floor(serverNow / ms) * ms, this.#nextStart ?? -Infinity));
  }

  /**
   * Arms the timer that closes the interval that began at `start`; one that fires before the interval's
   * end is armed again for the same interval. Node's timers run on a monotonic millisecond clock that
   * ticks at another phase than Date.now(), so they often fire up to 1 ms early, and the wall clock can
   * pass the end between two reads: choosing the interval again from the second read skipped this one.
   * Its frames then went into the next summary, and the server, which judges a receiver's interval only
   * after the one before it, reported a loss that began in it one or two intervals late.
   */
  #armClose(start: number): void {
    const end = start + this.assignment.intervalMs;
    this.#intervalTimer = setTimeout(
      () => {
        if (Date.now() + this.env.offsetMs() < end) return this.#armClose(start); // early: wait on
        this.#close(start);
        this.#nextStart = end;
        this.#scheduleInterval();
      },
      Math.max(0, end - (Date.now() + this.env.offsetMs())),
    );
  }

  /** Ends the interval that started at `start` (server clock): one summary into the journal. */
  #close(start: number): void {
    const period = 1000 / this.assignment.beaconPps;
    const sent: SentGroup[] = this.#sending.map((s) => {
      const out = { group: s.group.id, epoch: this.#epoch, count: s.count, lastSeq: s.seq - 1 };
      s.count = 0;
      return out;
    });
    const lossy: string[] = [];
    const received: ReceivedGroup[] = this.#receiving.map((r) => {
      // Frames the capture lost are no loss on the network, but the figures miss them: said, not hidden.
      const dropped = (r.handle?.counters().dropped ?? 0) - r.dropped;
      if (dropped > 0) {
        r.dropped += dropped;
        lossy.push(`group ${r.group.group}: the capture dropped ${dropped} frames in this interval`);
        this.env.warn('monitor capture dropped frames', {
          monitor: this.assignment.name,
          group: r.group.group,
          dropped,
        });
      }
      // A leave completes once packets stopped for three beacon periods: leave → the last one.
      if (!r.joined && r.leftAt !== undefined && r.leaveLatencyMs === undefined) {
        const last = r.lastAfterLeave ?? r.leftAt;
        if (Date.now() - last > 3 * period) r.leaveLatencyMs = Math.round((last - r.leftAt) * 1000) / 1000;
      }
      const out: ReceivedGroup = {
        group: r.group.id,
        joined: r.joined,
        ...(r.leaveLatencyMs !== undefined && { leaveLatencyMs: r.leaveLatencyMs }),
        ...(r.badSignatures && { badSignatures: r.badSignatures }),
        sources:
          r.group.kind === 'watch'
            ? [...r.watchers.values()].map((w) => w.take(Date.now()))
            : [...r.trackers.values()].map((t) => t.take()),
      };
      r.badSignatures = 0;
      return out;
    });
    this.env.emit({
      id: randomUUID(),
      monitorId: this.assignment.monitorId,
      intervalStart: start,
      intervalMs: this.assignment.intervalMs,
      ...((this.problems.length || lossy.length) && { problems: [...this.problems, ...lossy].slice(0, 50) }),
      ...(sent.length && { sent }),
      ...(received.length && { received }),
    });
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#intervalTimer);
    for (const s of this.#sending) {
      clearInterval(s.timer);
      s.socket.close();
    }
    for (const r of this.#receiving) r.handle?.close();
    this.#memberships.closeAll();
  }
}
