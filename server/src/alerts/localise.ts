// Per-hop localisation (pure): given counters polled along each affected receiver's expected path, names
// the first point where multicast packets stop rising while the point before it still rises.
//
// A path is a list of hops from the source side to the receiver; each hop offers up to two measurement
// points, traffic coming in (the RPF/ingress interface, or the route's packet counter) and traffic going
// out (the interface toward the receiver, or the next hop's packet counter). Walking the points in order,
// the first "stopped" point after a "rising" one is the suspect: an `out` point means the device itself
// stopped forwarding (a removed outgoing interface, a drop on the port), an `in` point means the link
// from the previous hop. A device that does not answer is "silent": when the points after it have
// stopped too, the silent device is named, with less confidence. Counters are Counter64 (HC) or
// Counter32: a smaller value than before is a wrap when it fits that width, else a reset (no evidence).
// Several affected paths are judged each on its own and results naming the same point are merged, so two
// faults at once (on different branches) come out as two suspects.

export type PointKind = 'in' | 'out';

export interface HopSpec {
  /** Device id (or name) as the snapshot knows it. */
  device: string;
  /** What is read on this hop, per point: interface names/ifIndex for the evidence text. */
  inInterface?: string;
  outInterface?: string;
}

/** One poll of one device: the counters of its path points, or undefined when it did not answer. */
export interface HopSample {
  at: number;
  /** Packets seen at the point (ifHCIn/OutMulticastPkts, ipMcastRoutePkts, next-hop Pkts). */
  inPkts?: bigint;
  outPkts?: bigint;
  /** Discards + errors at the point. */
  inDrops?: bigint;
  outDrops?: bigint;
  /** Last hop only: the group has a listener row (MGMD) on the outgoing interface. */
  listener?: boolean;
  /** Router hops: the route has a forwarding next hop on the outgoing interface (false: absent or pruned). */
  forwarding?: boolean;
  /** Width of the counters (64 for HC counters and Counter64 route counters, default 64). */
  bits?: 32 | 64;
}

export interface PathSeries {
  /** Who this path serves (a receiver's name or cell). */
  receiver: string;
  hops: HopSpec[];
  /** Per hop, its polls in time order (an entry `undefined` is a poll the device did not answer). */
  samples: (HopSample | undefined)[][];
}

export type PointState = 'rising' | 'stopped' | 'silent' | 'unknown';

export interface Suspect {
  /** The hop whose point stopped (or the silent device). */
  device: string;
  point: PointKind;
  /** The interface named by that point, if known. */
  interface?: string;
  /** The hop before it, whose counters still rise (none: the first hop). */
  upstream?: string;
  /** 0..1 */
  confidence: number;
  receivers: string[];
  evidence: string[];
}

export interface Localisation {
  suspects: Suspect[];
  /** Paths where nothing could be named, with why. */
  undecided: { receiver: string; reason: string }[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

const WIDTH = { 32: 1n << 32n, 64: 1n << 64n } as const;

/** The increase between two counter readings, allowing one wrap; undefined for a reset or a missing value. */
export function counterDelta(before: bigint | undefined, after: bigint | undefined, bits: 32 | 64 = 64) {
  if (before === undefined || after === undefined) return undefined;
  if (after >= before) return after - before;
  const wrapped = WIDTH[bits] - before + after;
  // A wrap adds less than half the counter's range between two polls; a larger "increase" is a reset.
  return wrapped < WIDTH[bits] / 2n ? wrapped : undefined;
}

interface PointReading {
  hop: number;
  kind: PointKind;
  state: PointState;
  /** Stopped because the hop's route does not forward on the out interface (whatever its counter does). */
  unrouted?: boolean;
  /** Packets added over the polls judged. */
  delta?: bigint;
  drops?: bigint;
  /** Number of consecutive poll intervals at the end with no increase (stopped only). */
  flatIntervals: number;
}

const pick = (s: HopSample, k: PointKind) => (k === 'in' ? s.inPkts : s.outPkts);
const pickDrops = (s: HopSample, k: PointKind) => (k === 'in' ? s.inDrops : s.outDrops);

/** A point's state over the newest polls: rising if its last interval added packets. */
function readPoint(samples: (HopSample | undefined)[], hop: number, kind: PointKind): PointReading {
  const last = samples.at(-1);
  if (!last) return { hop, kind, state: 'silent', flatIntervals: 0 };
  // Intervals between answered polls, newest first, with their deltas.
  const deltas: (bigint | undefined)[] = [];
  let drops: bigint | undefined;
  for (let i = samples.length - 1; i > 0; i--) {
    const b = samples[i - 1];
    const a = samples[i];
    if (!a || !b) break;
    deltas.push(counterDelta(pick(b, kind), pick(a, kind), a.bits ?? 64));
    if (drops === undefined) drops = counterDelta(pickDrops(b, kind), pickDrops(a, kind), a.bits ?? 64);
  }
  const newest = deltas[0];
  if (newest === undefined) return { hop, kind, state: 'unknown', flatIntervals: 0 };
  if (newest > 0n) return { hop, kind, state: 'rising', delta: newest, drops, flatIntervals: 0 };
  let flat = 0;
  while (flat < deltas.length && deltas[flat] === 0n) flat++;
  return { hop, kind, state: 'stopped', delta: 0n, drops, flatIntervals: flat };
}

/**
 * A router's out point whose route has no forwarding next hop there: stopped, for as many polls as the
 * route has said so (the interface's counter may still rise with other flows).
 */
function unroutedPoint(samples: (HopSample | undefined)[], hop: number): PointReading | undefined {
  let polls = 0;
  while (polls < samples.length && samples[samples.length - 1 - polls]?.forwarding === false) polls++;
  return polls
    ? { hop, kind: 'out', state: 'stopped', unrouted: true, delta: 0n, flatIntervals: polls }
    : undefined;
}

const hasPoint = (path: PathSeries, hop: number, kind: PointKind) =>
  path.samples[hop]!.some((s) => s !== undefined && pick(s, kind) !== undefined);

/** The first point that stops after one that rises, on one path. */
function localisePath(path: PathSeries): Suspect | { reason: string } {
  const points: PointReading[] = [];
  path.hops.forEach((_, h) => {
    const silent = path.samples[h]!.at(-1) === undefined;
    const unrouted = silent ? undefined : unroutedPoint(path.samples[h]!, h);
    for (const kind of ['in', 'out'] as const) {
      if (silent) {
        if (kind === 'in') points.push({ hop: h, kind, state: 'silent', flatIntervals: 0 });
      } else if (kind === 'out' && unrouted) points.push(unrouted);
      else if (hasPoint(path, h, kind)) points.push(readPoint(path.samples[h]!, h, kind));
    }
  });
  const name = (p: PointReading) => {
    const hop = path.hops[p.hop]!;
    return p.kind === 'in' ? hop.inInterface : hop.outInterface;
  };
  const label = (p: PointReading) => `${path.hops[p.hop]!.device}${name(p) ? ` ${name(p)}` : ''} (${p.kind})`;
  let lastRising: PointReading | undefined;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.state === 'rising') {
      lastRising = p;
      continue;
    }
    if (p.state === 'unknown') continue;
    if (!lastRising) {
      if (p.state === 'stopped')
        return { reason: `nothing rises from the first hop on (${label(p)} is flat)` };
      continue;
    }
    const after = points.slice(i + 1).filter((q) => q.state !== 'unknown');
    const evidence = [`${label(lastRising)} rose by ${lastRising.delta} packets in the last interval`];
    const upstream = path.hops[lastRising.hop]!.device;
    if (p.state === 'silent') {
      // A device that stopped answering: named only when nothing after it rises either.
      if (after.some((q) => q.state === 'rising')) continue;
      evidence.push(`${path.hops[p.hop]!.device} did not answer the last poll`);
      if (after.length) evidence.push(`${after.map(label).join(', ')}: not rising`);
      return {
        device: path.hops[p.hop]!.device,
        point: 'in',
        ...(path.hops[p.hop]!.inInterface && { interface: path.hops[p.hop]!.inInterface }),
        upstream,
        confidence: 0.4,
        receivers: [path.receiver],
        evidence,
      };
    }
    const times = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    evidence.push(
      p.unrouted
        ? `${label(p)}: the route has no forwarding next hop there (${times(p.flatIntervals, 'poll')})`
        : `${label(p)} did not rise for ${times(p.flatIntervals, 'interval')}`,
    );
    // The route's own word is the stronger evidence: the device says it does not forward there.
    let confidence = (p.flatIntervals >= 2 ? 0.8 : 0.6) + (p.unrouted ? 0.1 : 0);
    if (p.drops !== undefined && p.drops > 0n) {
      evidence.push(`${label(p)}: ${p.drops} discards/errors in the last interval`);
      confidence += 0.1;
    }
    const lastHop = path.samples.length - 1;
    const listener = path.samples[lastHop]!.at(-1)?.listener;
    if (listener === false) {
      evidence.push(`${path.hops[lastHop]!.device} has no listener row for the group`);
      // A missing listener on the last hop explains a stop there; anywhere else it muddies the picture.
      confidence += p.hop === lastHop ? 0.1 : -0.2;
    }
    if (after.some((q) => q.state === 'rising')) {
      evidence.push('a point further downstream still rises (partial loss or another source)');
      confidence -= 0.3;
    }
    return {
      device: path.hops[p.hop]!.device,
      point: p.kind,
      ...(name(p) && { interface: name(p) }),
      upstream,
      confidence: round2(Math.min(0.95, Math.max(0.1, confidence))),
      receivers: [path.receiver],
      evidence,
    };
  }
  return {
    reason: lastRising
      ? 'counters rise at every point that answered'
      : 'no point answered with two readings yet',
  };
}

export function localise(paths: readonly PathSeries[]): Localisation {
  const suspects: Suspect[] = [];
  const undecided: Localisation['undecided'] = [];
  for (const path of paths) {
    const r = localisePath(path);
    if ('reason' in r) {
      undecided.push({ receiver: path.receiver, reason: r.reason });
      continue;
    }
    const same = suspects.find(
      (s) => s.device === r.device && s.point === r.point && s.interface === r.interface,
    );
    if (same) {
      same.receivers.push(...r.receivers);
      // More receivers cut off at the same point: more sure.
      same.confidence = Math.max(same.confidence, round2(Math.min(0.95, r.confidence + 0.05)));
    } else suspects.push(r);
  }
  suspects.sort((a, b) => b.confidence - a.confidence);
  return { suspects, undecided };
}
