// Event-loop blocks longer than a threshold, each with when it started (ms on the monotonic clock of
// process.hrtime, the clock of a V8 CPU profile's timestamps, to line the two up) and how long it
// lasted. A timer that should fire every `tick` ms and fires late measures the block that held it up.
// With a CPU profile of the same thread taken meanwhile (`profileThread`), `stallCauses` names what ran
// during each block: the stacks most samples in it fell on.
import { Session, type Profiler } from 'node:inspector';

export interface Stall {
  atMs: number;
  ms: number;
}

const hrMs = () => Number(process.hrtime.bigint() / 1000n) / 1000;

export function watchStalls(thresholdMs = 50, tick = 5) {
  const stalls: Stall[] = [];
  let last = hrMs();
  const timer = setInterval(() => {
    const t = hrMs();
    const late = t - last - tick;
    if (late > thresholdMs) stalls.push({ atMs: last + tick, ms: late });
    last = t;
  }, tick);
  return {
    stop(): Stall[] {
      clearInterval(timer);
      return stalls;
    },
  };
}

/** Samples this thread's stacks (V8's sampling profiler, every `intervalUs`) until stopped. */
export async function profileThread(intervalUs = 1000) {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params, (err, r) => (err ? reject(err) : resolve(r as T))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: intervalUs });
  await post('Profiler.start');
  return {
    async stop(): Promise<Profiler.Profile> {
      const { profile } = await post<{ profile: Profiler.Profile }>('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}

export interface StallCause extends Stall {
  /** Share of the block's samples spent collecting garbage. */
  gc: number;
  /**
   * The commonest stacks in the block by our own code's frames (outermost first; at most the 3 innermost),
   * each with its share of the block's samples and the frame most of them were in (where the time went).
   */
  stacks: { share: number; frames: string[]; leaf: string }[];
}

/** Frames of our own code, which say what the block was doing. */
const OWN = /\/(server|shared|bench|agent)\/(src\/)?/;

/** What ran during each stall, from a profile of the same thread over the same time. */
export function stallCauses(profile: Profiler.Profile, stalls: readonly Stall[], top = 3): StallCause[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: Profiler.ProfileNode) => {
    const f = n.callFrame;
    // Line numbers are left out: they are those of the code as tsx compiled it.
    const file = f.url.split('/').slice(-2).join('/');
    return `${f.functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
  };
  const ownFrames = new Map<number, string[]>();
  /** Our own frames on a sample's stack, outermost first (the 3 innermost). */
  const own = (id: number): string[] => {
    let s = ownFrames.get(id);
    if (s) return s;
    s = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at)!;
      if (OWN.test(n.callFrame.url) && !n.callFrame.url.includes('node_modules')) s.unshift(name(n));
    }
    s = s.slice(-3);
    ownFrames.set(id, s);
    return s;
  };
  // Sample times on the profile's clock (µs), which is process.hrtime's.
  const times: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas ?? []) times.push((t += d));
  const samples = profile.samples ?? [];
  return stalls.map((stall) => {
    const groups = new Map<string, { frames: string[]; n: number; leaves: Map<string, number> }>();
    let n = 0;
    let gc = 0;
    for (let i = 0; i < samples.length; i++) {
      const ms = times[i]! / 1000;
      if (ms < stall.atMs || ms > stall.atMs + stall.ms) continue;
      const node = byId.get(samples[i]!)!;
      n++;
      if (node.callFrame.functionName === '(garbage collector)') gc++;
      const frames = own(node.id);
      const key = frames.join(' > ');
      const g = groups.get(key) ?? { frames, n: 0, leaves: new Map<string, number>() };
      g.n++;
      g.leaves.set(name(node), (g.leaves.get(name(node)) ?? 0) + 1);
      groups.set(key, g);
    }
    const stacks = [...groups.values()]
      .sort((a, b) => b.n - a.n)
      .slice(0, top)
      .map((g) => ({
        share: g.n / Math.max(1, n),
        frames: g.frames,
        leaf: [...g.leaves].sort((a, b) => b[1] - a[1])[0]![0],
      }));
    return { ...stall, gc: gc / Math.max(1, n), stacks };
  });
}

/** A stall and its causes as lines of text. */
export function describeStall(c: StallCause, sinceMs: number): string {
  const head = `${c.ms.toFixed(0)} ms at ${((c.atMs - sinceMs) / 1000).toFixed(1)} s (gc ${(c.gc * 100).toFixed(0)}%)`;
  return [
    head,
    ...c.stacks.map(
      (s) => `    ${(s.share * 100).toFixed(0)}% ${s.frames.join(' > ') || '(no own frame)'} [in ${s.leaf}]`,
    ),
  ].join('\n');
}
