// The agent's engines on a real veth pair between two namespaces: frames sent by one engine arrive,
// complete and in order, at the other, through the agent's engine interface; load streams from the
// native pacer and from the scheduled JS sender arrive whole; and the selection takes the native
// engine where raw sockets are allowed, cap in a process without CAP_NET_RAW.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVethLab, type VethLab } from '../../native/test/support/veth.ts';
import { missingParts } from '../../test/support/system.ts';
import { capEngine } from '../src/engine/cap-engine.ts';
import type { EngineCounters } from '../src/engine/engine.ts';
import { nativeEngine } from '../src/engine/native-engine.ts';
import { selectEngine } from '../src/engine/select-engine.ts';
import type { ReceiveReport } from '../src/load/receiver.ts';
import type { SendReport } from '../src/load/sender.ts';

const skip =
  missingParts({ commands: ['ip', 'setpriv'], root: true }) ??
  nativeEngine.unavailable() ??
  capEngine.unavailable();
const peer = fileURLToPath(new URL('./fixtures/engine-peer.ts', import.meta.url));
const loadPeer = fileURLToPath(new URL('./fixtures/load-peer.ts', import.meta.url));
const N = 500;

/** Runs a peer script in a namespace; `onReady` is called when a receiver prints "ready". */
function runPeer(ns: string, script: string, args: string[], onReady?: () => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let report: unknown;
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') onReady?.();
      else report = JSON.parse(line);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(report) : reject(new Error(`peer ${args.join(' ')}: exit ${code}: ${err}`)),
    );
  });
}

interface Received {
  seqs: number[];
  counters: EngineCounters;
}
interface Sent {
  taken: number;
  counters: EngineCounters;
}

describe.skipIf(skip)('agent engines on a veth pair', () => {
  let lab: VethLab;
  beforeAll(() => {
    lab = createVethLab('nsag');
  });
  afterAll(() => lab?.destroy());

  for (const [tx, rx] of [
    ['native', 'cap'],
    ['cap', 'native'],
  ] as const) {
    it(`${tx} sends ${N} frames, ${rx} receives every one in order`, async () => {
      const port = tx === 'native' ? 6301 : 6302;
      const linkBefore = lab.counter(lab.nsB, lab.ifB, 'rx_packets');
      let sending: Promise<unknown> | undefined;
      const received = (await runPeer(
        lab.nsB,
        peer,
        ['receive', rx, lab.ifB, String(N), String(port)],
        () => {
          sending = runPeer(lab.nsA, peer, ['send', tx, lab.ifA, String(N), String(port)]);
        },
      )) as Received;
      const sent = (await sending) as Sent;

      expect(sent.taken).toBe(N);
      expect(sent.counters).toMatchObject({ sent: N, sendErrors: 0 });
      expect(received.seqs).toEqual(Array.from({ length: N }, (_, i) => i));
      expect(received.counters.received).toBeGreaterThanOrEqual(N);
      expect(received.counters.dropped).toBe(0);
      expect(received.counters.kernelDropsVisible).toBe(rx === 'native');
      expect(lab.counter(lab.nsB, lab.ifB, 'rx_packets') - linkBefore).toBeGreaterThanOrEqual(N);
    });
  }

  for (const [tx, pps] of [
    ['native', 20_000],
    ['cap', 2_000],
  ] as const) {
    it(`load stream from ${tx} at ${pps} pps for 1 s arrives complete, in order, with valid checksums`, async () => {
      const port = tx === 'native' ? 6303 : 6304;
      let sending: Promise<unknown> | undefined;
      const received = (await runPeer(
        lab.nsB,
        loadPeer,
        ['receive', 'native', lab.ifB, String(pps), String(port)],
        () => {
          sending = runPeer(lab.nsA, loadPeer, ['send', tx, lab.ifA, String(pps), '1000', String(port)]);
        },
      )) as ReceiveReport & { checked: number; badChecksums: number };
      const sent = (await sending) as SendReport;

      expect(sent).toMatchObject({ streamId: 7, sent: pps, sendErrors: 0 });
      expect(sent.achievedPps).toBeGreaterThan(pps * 0.8);
      expect(sent.achievedPps).toBeLessThan(pps * 1.2);
      expect(received.streams).toHaveLength(1);
      const [stream] = received.streams;
      expect(stream).toMatchObject({
        streamId: 7,
        received: pps,
        unique: pps,
        duplicates: 0,
        reordered: 0,
        maxSeq: pps - 1,
        lostEstimate: 0,
      });
      // The send time written into each frame (per frame by the native pacer) is this host's clock.
      expect(stream!.latencyMs!.min).toBeGreaterThan(-1); // the JS sender stamps with timeOrigin + monotonic: µs off the ring clock
      expect(stream!.latencyMs!.max).toBeLessThan(1000);
      expect(received.engineDropped).toBe(0);
      expect(received).toMatchObject({ checked: 100, badChecksums: 0, kernelDropsVisible: true });
    });
  }

  it('a plan sends its consecutive load streams side by side, each whole', async () => {
    const [pps, port] = [10_000, 6306];
    let sending: Promise<unknown> | undefined;
    const received = (await runPeer(
      lab.nsB,
      loadPeer,
      ['receive', 'native', lab.ifB, String(2 * pps), String(port)],
      () => {
        sending = runPeer(lab.nsA, loadPeer, ['plan', 'native', lab.ifA, String(pps), String(port)]);
      },
    )) as ReceiveReport;
    const plan = (await sending) as { ok: boolean; elapsedMs: number; summary: { streams: SendReport[] } };
    expect(plan.ok).toBe(true);
    expect(plan.summary.streams.map((s) => [s.streamId, s.sent])).toEqual([
      [7, pps],
      [8, pps],
    ]);
    expect(plan.elapsedMs).toBeLessThan(1800); // one after the other would take 2 s
    expect(received.streams.map((s) => [s.streamId, s.unique, s.lostEstimate]).sort()).toEqual([
      [7, pps, 0],
      [8, pps, 0],
    ]);
  });

  it('the native receiver (counting in its reader threads) and the JS counter on cap agree on the same frames', async () => {
    const port = 6305;
    let sending: Promise<unknown> | undefined;
    const both = (await runPeer(lab.nsB, loadPeer, ['compare', '-', lab.ifB, '2180', String(port)], () => {
      sending = runPeer(lab.nsA, loadPeer, ['pattern', 'native', lab.ifA, String(port)]);
    })) as Record<'native' | 'cap', ReceiveReport>;
    expect(await sending).toEqual({ sent: 2180 });
    const [native, cap] = [both.native.streams[0]!, both.cap.streams[0]!];
    // What the pattern sent (fixtures/load-peer.ts): every figure but latency is exact on both.
    const exact = {
      streamId: 7,
      received: 2180,
      unique: 1980,
      duplicates: 200,
      reordered: 40,
      late: 500,
      maxSeq: 1999,
      lostEstimate: 20,
    };
    expect(native).toMatchObject(exact);
    expect(cap).toMatchObject(exact);
    expect(both.native).toMatchObject({ foreign: 0, engineDropped: 0 });
    // Two bursts, one second apart or more. Seconds count from the receiver's start, so a burst may fall
    // across a second's end (on a loaded host one did: 905 + 85, then 990): the seconds hold every distinct
    // frame once, in order, and span the gap between the bursts.
    for (const r of [native, cap]) {
      const seconds = r.perSecond.map((p) => p.second);
      expect(r.perSecond.reduce((sum, p) => sum + p.received, 0)).toBe(1980);
      expect(seconds).toEqual([...new Set(seconds)].sort((a, b) => a - b));
      expect(seconds.at(-1)! - seconds[0]!).toBeGreaterThanOrEqual(1);
    }
    // Latencies: ring stamps (native) against JS callback stamps (cap, later by its wake-up), 0 or 200 ms old.
    const n = native.latencyMs!;
    const c = cap.latencyMs!;
    // (The sender stamps each frame as it builds the burst and sends the burst once built: ms apart under load.)
    expect(n.min).toBeGreaterThanOrEqual(0);
    expect(n.min).toBeLessThan(100);
    expect(n.max).toBeGreaterThanOrEqual(200);
    expect(n.max).toBeLessThan(300);
    expect(n.p99).toBeGreaterThan(199);
    // cap stamps later (at its JS callback), never earlier; 1 ms covers the histogram's 1/256 at 200 ms.
    for (const k of ['min', 'p50', 'p99', 'max', 'mean'] as const) {
      expect(n[k], k).toBeLessThanOrEqual(c[k] + 1);
      expect(c[k] - n[k], k).toBeLessThan(250);
    }
    expect(native.jitterMs).toBeGreaterThan(0);
  });

  it('auto picks the native engine where raw sockets are allowed', () => {
    const c = selectEngine('auto');
    expect(c.engine.name).toBe('native');
    expect(c.available).toEqual(['native', 'cap']);
    expect(c.unavailable).toEqual({});
    expect(selectEngine('cap').engine.name).toBe('cap');
  });

  it('auto falls back to cap, with the reason, in a process without CAP_NET_RAW', () => {
    const r = spawnSync(
      'setpriv',
      [
        '--bounding-set',
        '-net_raw',
        '--inh-caps',
        '-net_raw',
        '--',
        process.execPath,
        '--import',
        'tsx',
        peer,
        'select',
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as {
      engine: string;
      available: string[];
      unavailable: Record<string, string>;
    };
    expect(c.engine).toBe('cap');
    expect(c.available).toEqual(['cap']);
    expect(c.unavailable.native).toMatch(/raw sockets not permitted.*CAP_NET_RAW/);
  });
});
