// bench:agent — the agent's load path as users get it: its own sender (sendStream) and receiver
// (receiveStreams) on the DEFAULT engine (what `engine: auto` picks: native here), per-frame sequence and
// latency accounting on, over a veth pair between two namespaces this script creates.
//  1. Sender rate beside trafgen (netsniff-ng) with the same 128-byte frame, each pinned to CPU0: pps from the
//     link counter over 5 s, and frames per CPU-second (on a shared machine the wall rate follows the CPU
//     share a sender got; its CPU cost per frame does not). 3 rounds interleaved, medians. The cap engine
//     through the same sender code is a line of its own; then several streams at once beside trafgen on
//     every CPU.
//  2. Lossless receive: the highest offered rate (the agent's paced sender, CPU0) at which the receiver
//     (CPU1) counts every frame, with no loss, duplicate or kernel drop. On veth the sender's CPU also runs
//     the receive side's kernel path, which bounds the rate that can be offered.
//  3. The receive path's cost per frame, so the rate one core sustains whatever the sender could offer: the
//     kernel's delivery into the ring (what the sender's CPU per frame grows by when the receiver listens: on
//     veth that work runs on the sender's core) plus the agent's reader threads (their CPU time over the
//     frames counted); then four flows at once, which the receiver's fanout rings share out.
// Ends with `cap/trafgen=R` on a line of its own, then `agent/trafgen=R rx_lossless_pps=N engine=NAME`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVethLab, type VethLab } from '../../native/test/support/veth.ts';
import { groupCpuSeconds } from '../support/cpu.ts';
import { compiledFrame } from './frame.ts';

const ROUNDS = 3;
const here = fileURLToPath(new URL('.', import.meta.url));
const CPUS = availableParallelism();
// One process per child (no tsx wrapper), so signals reach the script itself.
const node = (script: string, ...args: string[]) => [
  process.execPath,
  '--import',
  'tsx',
  join(here, script),
  ...args,
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A process in a namespace, pinned to `cpus`, in its own process group (trafgen forks a worker). */
function inNs(ns: string, cpus: string, cmd: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, 'taskset', '-c', cpus, ...cmd], {
    stdio: ['pipe', 'pipe', 'inherit'],
    detached: true,
  });
}
function lines(p: ChildProcess): string[] {
  const out: string[] = [];
  let buf = '';
  p.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    out.push(...parts);
  });
  return out;
}
async function waitFor(out: string[], test: (l: string) => boolean, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const l = out.find(test);
    if (l !== undefined) return l;
    if (Date.now() > end) throw new Error('a child did not answer');
    await sleep(20);
  }
}
const exited = (p: ChildProcess) =>
  new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));
const lastJson = <T>(out: string[]): T => JSON.parse(out.filter((l) => l.startsWith('{')).at(-1)!) as T;

interface SendReport {
  streamId: number;
  sent: number;
  achievedPps: number;
}
interface StreamTotals {
  streamId: number;
  received: number;
  unique: number;
  duplicates: number;
  reordered: number;
  lostEstimate: number;
  latencyMs: { min: number; p50: number; p99: number; max: number } | null;
}

/** A sender's rate over 5 s of its run: link pps and frames per CPU-second of its process group. */
async function txRate(lab: VethLab, start: () => ChildProcess, stop?: (p: ChildProcess) => void) {
  const p = start();
  const out = lines(p);
  if (!stop) await waitFor(out, (l) => l.startsWith('ready')); // node needs a moment; trafgen starts at once
  await sleep(1000);
  const [a, ca, t0] = [lab.counter(lab.nsA, lab.ifA, 'tx_packets'), groupCpuSeconds(p.pid!), Date.now()];
  await sleep(5000);
  const [b, cb, t1] = [lab.counter(lab.nsA, lab.ifA, 'tx_packets'), groupCpuSeconds(p.pid!), Date.now()];
  stop?.(p);
  await exited(p);
  return { pps: ((b - a) * 1000) / (t1 - t0), perCpuSecond: (b - a) / Math.max(0.01, cb - ca) };
}

function trafgen(lab: VethLab, conf: string, cpus: string, n: number) {
  return () =>
    inNs(lab.nsA, cpus, [
      'trafgen',
      '--dev',
      lab.ifA,
      '--conf',
      conf,
      '--cpus',
      String(n),
      '--no-sock-mem',
      '-Q',
    ]);
}
const agentSender =
  (lab: VethLab, engine: string, cpus: string, pps: number, ms: number, streams: number) => () =>
    inNs(lab.nsA, cpus, node('agent-sender.ts', engine, lab.ifA, String(pps), String(ms), String(streams)));

interface ReceiverReport {
  streams: StreamTotals[];
  engineDropped: number;
  counters: { receiveThreads?: number; receiveCpuMs?: number };
}

/** Runs `during` with the agent's receiver listening in nsB (on `cpus`), and returns both results. */
async function withReceiver<T>(lab: VethLab, cpus: string, during: () => Promise<T>) {
  const rx = inNs(lab.nsB, cpus, node('agent-receiver.ts', 'auto', lab.ifB));
  const rxOut = lines(rx);
  await waitFor(rxOut, (l) => l.startsWith('ready'));
  const result = await during();
  await sleep(500); // frames in flight
  process.kill(-rx.pid!, 'SIGTERM');
  await exited(rx);
  return { result, rx: lastJson<ReceiverReport>(rxOut) };
}

/** One trial: the agent's paced sender with `streams` streams on CPU0 for 3 s, the receiver on `rxCpus`. */
async function trial(lab: VethLab, pps: number, streams = 1, rxCpus = CPUS > 1 ? '1' : '0') {
  const { result: txOut, rx } = await withReceiver(lab, rxCpus, async () => {
    const tx = agentSender(lab, 'auto', '0', pps, 3000, streams)();
    const out = lines(tx);
    await exited(tx);
    return out;
  });
  const reports = lastJson<{ reports: SendReport[] }>(txOut).reports;
  const sent = reports.reduce((n, x) => n + x.sent, 0);
  const received = rx.streams.reduce((n, x) => n + x.unique, 0);
  return {
    sent,
    achievedPps: reports.reduce((n, x) => n + x.achievedPps, 0),
    received,
    lost: sent - received,
    duplicates: rx.streams.reduce((n, x) => n + x.duplicates, 0),
    engineDropped: rx.engineDropped,
    latency: rx.streams[0]?.latencyMs ?? null,
    streams: rx.streams.length,
    readerNs: readerNs(rx),
    threads: rx.counters.receiveThreads ?? 1,
  };
}

/** The reader threads' CPU per counted frame, ns (engines that measure it). */
function readerNs(rx: ReceiverReport): number | undefined {
  const n = rx.streams.reduce((sum, x) => sum + x.received, 0);
  return rx.counters.receiveCpuMs === undefined || n === 0 ? undefined : (rx.counters.receiveCpuMs * 1e6) / n;
}

async function main() {
  const lab = createVethLab('nsba');
  const dir = mkdtempSync(join(tmpdir(), 'bench-agent-'));
  try {
    const conf = join(dir, 'frame.trafgen');
    writeFileSync(
      conf,
      `{ ${[...compiledFrame().bytes].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')} }\n`,
    );
    await sleep(1500); // the kernel's own MLD/ND chatter after link-up
    const stopTrafgen = (p: ChildProcess) => process.kill(-p.pid!, 'SIGINT');

    // 1. Sender rates.
    const runs = { trafgen: [] as Rate[], agent: [] as Rate[], cap: [] as Rate[], received: [] as Rate[] };
    const reader: number[] = [];
    type Rate = Awaited<ReturnType<typeof txRate>>;
    let engine = '';
    for (let round = 1; round <= ROUNDS; round++) {
      runs.trafgen.push(await txRate(lab, trafgen(lab, conf, '0', 1), stopTrafgen));
      const agent = agentSender(lab, 'auto', '0', 100_000_000, 7000, 1);
      runs.agent.push(
        await txRate(lab, () => {
          const p = agent();
          void waitFor(lines(p), (l) => l.startsWith('ready')).then((l) => (engine = l.split(' ')[1]!));
          return p;
        }),
      );
      runs.cap.push(await txRate(lab, agentSender(lab, 'cap', '0', 100_000_000, 7000, 1)));
      // The same sender with the agent's receiver listening: on veth the kernel delivers into its ring on the
      // sender's CPU, so the sender's extra CPU per frame is the kernel's share of the receive path.
      const heard = await withReceiver(lab, CPUS > 1 ? '1' : '0', () =>
        txRate(lab, agentSender(lab, 'auto', '0', 100_000_000, 7000, 1)),
      );
      runs.received.push(heard.result);
      reader.push(readerNs(heard.rx) ?? NaN);
      console.log(
        `round ${round}: ` +
          Object.entries(runs)
            .map(([k, v]) => `${k} ${fmt(v.at(-1)!.pps)} pps (${fmt(v.at(-1)!.perCpuSecond)}/CPU-s)`)
            .join(', '),
      );
    }
    const med = (k: keyof typeof runs, f: keyof Rate) => median(runs[k].map((r) => r[f]));
    console.log('');
    console.log(
      `| sender (CPU0, 128-byte frames) | median pps | frames per CPU-second | ratio to trafgen (pps / per CPU-s) |`,
    );
    console.log(`|---|---:|---:|---:|`);
    for (const [k, label] of [
      ['trafgen', 'trafgen (TX ring)'],
      ['agent', `agent sender, ${engine} engine`],
      ['cap', 'agent sender, cap engine'],
      ['received', `agent sender, ${engine}, agent receiver listening`],
    ] as const)
      console.log(
        `| ${label} | ${fmt(med(k, 'pps'))} | ${fmt(med(k, 'perCpuSecond'))} | ${(med(k, 'pps') / med('trafgen', 'pps')).toFixed(2)} / ${(med(k, 'perCpuSecond') / med('trafgen', 'perCpuSecond')).toFixed(2)} |`,
      );

    // Several streams at once, on every CPU, beside trafgen on every CPU.
    const all = Array.from({ length: CPUS }, (_, i) => i).join(',');
    const many = await txRate(lab, agentSender(lab, 'auto', all, 100_000_000, 7000, CPUS));
    const tgAll = await txRate(lab, trafgen(lab, conf, all, CPUS), stopTrafgen);
    console.log(
      `${CPUS} streams side by side (every CPU): agent ${fmt(many.pps)} pps, trafgen --cpus ${CPUS} ${fmt(tgAll.pps)} pps (${(many.pps / tgAll.pps).toFixed(2)})`,
    );

    // 2. Lossless receive: double the offered rate until a frame is lost or the sender falls short of it.
    console.log('');
    let lossless = 0;
    let bound = '';
    for (let pps = 25_000; !bound; pps *= 2) {
      const r = await trial(lab, pps);
      const clean = r.lost === 0 && r.duplicates === 0 && r.engineDropped === 0;
      const lat = r.latency
        ? `latency min/p50/p99/max ${[r.latency.min, r.latency.p50, r.latency.p99, r.latency.max].map((x) => x.toFixed(3)).join('/')} ms`
        : 'no latency';
      console.log(
        `rx at ${fmt(pps)} pps offered: sent ${fmt(r.sent)} (achieved ${fmt(r.achievedPps)} pps), received ${fmt(r.received)}, lost ${fmt(r.lost)}, kernel drops ${r.engineDropped}; ${lat}`,
      );
      if (r.achievedPps < 0.95 * pps) bound = `the sender, which reached ${fmt(r.achievedPps)} pps`;
      else if (!clean) bound = `loss at ${fmt(pps)} pps`;
      if (clean) lossless = Math.max(lossless, Math.round(Math.min(pps, r.achievedPps)));
    }
    console.log(`lossless up to ${fmt(lossless)} pps offered, bounded by ${bound}`);

    // 3. The receive path's cost per frame: the kernel's delivery into the ring (the sender's extra CPU when
    // the receiver listens) plus the reader threads' work; what one core sustains at that cost.
    const deliveryNs = 1e9 / med('received', 'perCpuSecond') - 1e9 / med('agent', 'perCpuSecond');
    const readNs = median(reader);
    console.log(
      `receive path per frame: kernel delivery into the ring ${deliveryNs.toFixed(0)} ns + agent reader ${readNs.toFixed(0)} ns ` +
        `(sequence, loss, reorder, latency percentiles, per-second series) = ${(deliveryNs + readNs).toFixed(0)} ns: ` +
        `${fmt(1e9 / (deliveryNs + readNs))} pps per core`,
    );
    const four = await trial(lab, 100_000_000, 4, Array.from({ length: CPUS }, (_, i) => i).join(','));
    console.log(
      `4 flows at once into ${four.threads} fanout rings: sent ${fmt(four.sent)} at ${fmt(four.achievedPps)} pps, ` +
        `counted ${fmt(four.received)} in ${four.streams} streams, lost ${fmt(four.lost)}, kernel drops ${four.engineDropped}` +
        (four.readerNs === undefined ? '' : `, reader ${four.readerNs.toFixed(0)} ns per frame`),
    );
    console.log('');
    console.log(`cap/trafgen=${(med('cap', 'pps') / med('trafgen', 'pps')).toFixed(2)}`);
    console.log(
      `agent/trafgen=${(med('agent', 'pps') / med('trafgen', 'pps')).toFixed(2)} rx_lossless_pps=${lossless} engine=${engine}`,
    );
  } finally {
    // Whatever still runs in the namespaces was started here (a failed round leaves children behind).
    for (const ns of [lab.nsA, lab.nsB])
      for (const pid of execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
        .split(/\s+/)
        .filter(Boolean))
        process.kill(Number(pid), 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    lab.destroy();
  }
}

await main();
