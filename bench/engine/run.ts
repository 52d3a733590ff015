// bench:engine — native engine vs `cap` vs trafgen on a veth pair between two namespaces this
// script creates: 70-byte IPv6/UDP frames, senders pinned to CPU0, pps from the link counter over 5 s
// of a 7 s run and frames per CPU-second of the sender's processes (on a shared machine the wall rate
// follows the CPU share a sender got, its CPU cost per frame does not), 3 rounds interleaved, medians.
// Native sends through its TX ring (what the agent's load streams use) and through sendmmsg.
// Then the native receiver (CPU1) at the native TX rate: frames seen vs the link counter, with
// drops; and a deliberately overrun receiver, to check every kernel drop is reported.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAvailable, unavailableReason } from '@netspotter/native';
import { createVethLab, type VethLab } from '../../native/test/support/veth.ts';
import { groupCpuSeconds } from '../support/cpu.ts';
import { benchFrame } from './frame.ts';

const ROUNDS = 3;
const RUN_S = 7;
const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '../..');

/** A process in its own process group (a forking tool is stopped, and its CPU time read, as a whole). */
function child(ns: string, cpu: number, cmd: string[], opts: { quiet?: boolean } = {}): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, 'taskset', '-c', String(cpu), ...cmd], {
    cwd: repo,
    stdio: ['ignore', opts.quiet ? 'ignore' : 'pipe', 'inherit'],
    detached: true,
  });
}

function output(p: ChildProcess): Promise<string> {
  let out = '';
  p.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<string>((resolve, reject) =>
    p.on('exit', (code, sig) =>
      code === 0 || sig === 'SIGINT' ? resolve(out) : reject(new Error(`child exit ${code ?? sig}`)),
    ),
  );
  done.catch(() => {}); // awaited later; a failure must reach main's finally, not crash the process
  return done;
}

const ready = (p: ChildProcess) => new Promise<void>((resolve) => p.stdout!.once('data', () => resolve()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const node = (script: string, ...args: string[]) => [
  process.execPath,
  '--import',
  'tsx',
  join(here, script),
  ...args,
];

interface Rate {
  pps: number;
  perCpuSecond: number;
}

/** Runs one sender for RUN_S seconds: link pps and frames per CPU-second over the steady 5 s window. */
async function measureTx(
  lab: VethLab,
  start: () => ChildProcess,
  stop?: (p: ChildProcess) => void,
): Promise<Rate> {
  const p = start();
  const done = output(p);
  if (p.stdout) await ready(p); // node senders say when they start sending; trafgen starts at once
  await sleep(1000);
  const [a, ca, t0] = [lab.counter(lab.nsA, lab.ifA, 'tx_packets'), groupCpuSeconds(p.pid!), Date.now()];
  await sleep(5000);
  const [b, cb, t1] = [lab.counter(lab.nsA, lab.ifA, 'tx_packets'), groupCpuSeconds(p.pid!), Date.now()];
  if (stop) stop(p);
  await done;
  return { pps: ((b - a) * 1000) / (t1 - t0), perCpuSecond: (b - a) / Math.max(0.01, cb - ca) };
}

/** The native receiver around one native sender run: seen, drops and the link count it saw. */
async function measureRx(lab: VethLab, tiny: boolean) {
  const rx = child(lab.nsB, 1, node('native-rx.ts', lab.ifB, ...(tiny ? ['--tiny'] : [])));
  const rxOut = output(rx);
  await ready(rx);
  const before = lab.counter(lab.nsB, lab.ifB, 'rx_packets');
  const { pps: txPps } = await measureTx(lab, () =>
    child(lab.nsA, 0, node('native-tx.ts', lab.ifA, String(tiny ? 2 : RUN_S), '--ring')),
  );
  await sleep(500);
  const link = lab.counter(lab.nsB, lab.ifB, 'rx_packets') - before;
  rx.kill('SIGTERM');
  const r = JSON.parse(await rxOut.then((o) => o.split('\n').filter(Boolean).pop()!)) as {
    seen: number;
    kernel: { packets: number; drops: number };
    lost?: number;
  };
  return { txPps, link, ...r };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main() {
  if (!isAvailable()) throw new Error(`native engine unavailable: ${unavailableReason()}`);
  const lab = createVethLab('nsb');
  const dir = mkdtempSync(join(tmpdir(), 'bench-engine-'));
  try {
    const bytes = [...benchFrame().frame].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ');
    const conf = join(dir, 'frame.trafgen');
    writeFileSync(conf, `{ ${bytes} }\n`);
    await sleep(2000); // let the kernel's own MLD/ND chatter after link-up die down

    const runs = {
      trafgen: [] as Rate[],
      'native (TX ring)': [] as Rate[],
      'native (sendmmsg)': [] as Rate[],
      cap: [] as Rate[],
    };
    const rxRuns: Awaited<ReturnType<typeof measureRx>>[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      runs.trafgen.push(
        await measureTx(
          lab,
          () =>
            child(
              lab.nsA,
              0,
              ['trafgen', '--dev', lab.ifA, '--conf', conf, '--cpus', '1', '--no-sock-mem', '-Q'],
              { quiet: true },
            ),
          (p) => process.kill(-p.pid!, 'SIGINT'), // trafgen forks a worker: stop the group we started
        ),
      );
      runs['native (TX ring)'].push(
        await measureTx(lab, () => child(lab.nsA, 0, node('native-tx.ts', lab.ifA, String(RUN_S), '--ring'))),
      );
      runs['native (sendmmsg)'].push(
        await measureTx(lab, () => child(lab.nsA, 0, node('native-tx.ts', lab.ifA, String(RUN_S)))),
      );
      runs.cap.push(await measureTx(lab, () => child(lab.nsA, 0, node('cap-tx.ts', lab.ifA, String(RUN_S)))));
      rxRuns.push(await measureRx(lab, false));
      const r = rxRuns.at(-1)!;
      console.log(
        `round ${round}: ` +
          Object.entries(runs)
            .map(([k, v]) => `${k} ${fmt(v.at(-1)!.pps)} pps (${fmt(v.at(-1)!.perCpuSecond)}/CPU-s)`)
            .join(', ') +
          `; native+rx ${fmt(r.txPps)} pps, rx seen ${fmt(r.seen)} of ${fmt(r.link)} on the link, ` +
          `kernel drops ${r.kernel.drops}, stream loss ${r.lost}`,
      );
    }
    const over = await measureRx(lab, true);
    console.log(
      `overrun (16 KiB ring, reader paused): link ${fmt(over.link)}, seen ${fmt(over.seen)}, ` +
        `kernel drops ${fmt(over.kernel.drops)}, seen+drops ${fmt(over.seen + over.kernel.drops)}`,
    );

    const med = (k: keyof typeof runs, f: keyof Rate) => median(runs[k].map((r) => r[f]));
    const ratio = (k: keyof typeof runs, f: keyof Rate) => med(k, f) / med('trafgen', f);
    const seen = rxRuns.reduce((s, r) => s + r.seen, 0);
    const link = rxRuns.reduce((s, r) => s + r.link, 0);
    const drops = rxRuns.reduce((s, r) => s + r.kernel.drops, 0);
    const reported = over.kernel.drops > 0 && over.seen + over.kernel.drops === over.link;
    console.log('');
    console.log(
      `| sender | median pps | runs | frames per CPU-second | ratio to trafgen (pps / per CPU-s) |`,
    );
    console.log(`|---|---:|---|---:|---:|`);
    for (const [name, xs] of Object.entries(runs)) {
      const k = name as keyof typeof runs;
      console.log(
        `| ${name} | ${fmt(med(k, 'pps'))} | ${xs.map((x) => fmt(x.pps)).join(' / ')} | ${fmt(med(k, 'perCpuSecond'))} | ` +
          `${ratio(k, 'pps').toFixed(2)} / ${ratio(k, 'perCpuSecond').toFixed(2)} |`,
      );
    }
    console.log(
      `native receiver at native TX rate (median ${fmt(median(rxRuns.map((r) => r.txPps)))} pps): ` +
        `seen ${fmt(seen)} / link ${fmt(link)}, kernel drops ${drops}`,
    );
    console.log('');
    console.log(
      `native/trafgen=${ratio('native (TX ring)', 'perCpuSecond').toFixed(2)} cap/trafgen=${ratio('cap', 'perCpuSecond').toFixed(2)} ` +
        `rx_seen=${((100 * seen) / link).toFixed(1)}% drops_reported=${reported ? 'yes' : 'no'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    lab.destroy();
  }
}

await main();
