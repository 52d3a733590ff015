// bench:engine — native engine vs `cap` vs trafgen on a veth pair between two namespaces this
// script creates: 70-byte IPv6/UDP frames, senders
// pinned to CPU0, pps from the link counter over 5 s of a 7 s run, 3 rounds interleaved, medians.
// Then the native receiver (CPU1) at the native TX rate: frames seen vs the link counter, with
// drops; and a deliberately overrun receiver, to check every kernel drop is reported.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAvailable, unavailableReason } from '@netspotter/native';
import { createVethLab, type VethLab } from '../../native/test/support/veth.ts';
import { benchFrame } from './frame.ts';

const ROUNDS = 3;
const RUN_S = 7;
const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '../..');

function child(
  ns: string,
  cpu: number,
  cmd: string[],
  opts: { quiet?: boolean; group?: boolean } = {},
): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, 'taskset', '-c', String(cpu), ...cmd], {
    cwd: repo,
    stdio: ['ignore', opts.quiet ? 'ignore' : 'pipe', 'inherit'],
    detached: opts.group, // its own process group, so a forking tool can be stopped as a whole
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

/** Runs one sender for RUN_S seconds and returns link pps over the steady 5 s window. */
async function measureTx(
  lab: VethLab,
  start: () => ChildProcess,
  stop?: (p: ChildProcess) => void,
): Promise<number> {
  const p = start();
  const done = output(p);
  if (p.stdout) await ready(p); // node senders say when they start sending; trafgen starts at once
  await sleep(1000);
  const a = lab.counter(lab.nsA, lab.ifA, 'tx_packets');
  await sleep(5000);
  const b = lab.counter(lab.nsA, lab.ifA, 'tx_packets');
  if (stop) stop(p);
  await done;
  return (b - a) / 5;
}

/** The native receiver around one native sender run: seen, drops and the link count it saw. */
async function measureRx(lab: VethLab, tiny: boolean) {
  const rx = child(lab.nsB, 1, node('native-rx.ts', lab.ifB, ...(tiny ? ['--tiny'] : [])));
  const rxOut = output(rx);
  await ready(rx);
  const before = lab.counter(lab.nsB, lab.ifB, 'rx_packets');
  const txPps = await measureTx(lab, () =>
    child(lab.nsA, 0, node('native-tx.ts', lab.ifA, String(tiny ? 2 : RUN_S))),
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
      trafgen: [] as number[],
      native: [] as number[],
      'native (tx ring)': [] as number[],
      cap: [] as number[],
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
              { quiet: true, group: true },
            ),
          (p) => process.kill(-p.pid!, 'SIGINT'), // trafgen forks a worker: stop the group we started
        ),
      );
      runs.native.push(
        await measureTx(lab, () => child(lab.nsA, 0, node('native-tx.ts', lab.ifA, String(RUN_S)))),
      );
      runs['native (tx ring)'].push(
        await measureTx(lab, () => child(lab.nsA, 0, node('native-tx.ts', lab.ifA, String(RUN_S), '--ring'))),
      );
      runs.cap.push(await measureTx(lab, () => child(lab.nsA, 0, node('cap-tx.ts', lab.ifA, String(RUN_S)))));
      rxRuns.push(await measureRx(lab, false));
      const r = rxRuns.at(-1)!;
      console.log(
        `round ${round}: trafgen ${fmt(runs.trafgen.at(-1)!)} pps, native ${fmt(runs.native.at(-1)!)} pps, ` +
          `tx ring ${fmt(runs['native (tx ring)'].at(-1)!)} pps, cap ${fmt(runs.cap.at(-1)!)} pps; native+rx ${fmt(r.txPps)} pps, rx seen ${fmt(r.seen)} of ${fmt(r.link)} on the link, ` +
          `kernel drops ${r.kernel.drops}, stream loss ${r.lost}`,
      );
    }
    const over = await measureRx(lab, true);
    console.log(
      `overrun (16 KiB ring, reader paused): link ${fmt(over.link)}, seen ${fmt(over.seen)}, ` +
        `kernel drops ${fmt(over.kernel.drops)}, seen+drops ${fmt(over.seen + over.kernel.drops)}`,
    );

    const t = median(runs.trafgen);
    const n = median(runs.native);
    const c = median(runs.cap);
    const seen = rxRuns.reduce((s, r) => s + r.seen, 0);
    const link = rxRuns.reduce((s, r) => s + r.link, 0);
    const drops = rxRuns.reduce((s, r) => s + r.kernel.drops, 0);
    const reported = over.kernel.drops > 0 && over.seen + over.kernel.drops === over.link;
    console.log('');
    console.log(`| sender | median pps | runs | ratio to trafgen |`);
    console.log(`|---|---:|---|---:|`);
    for (const [name, xs] of Object.entries(runs)) {
      console.log(
        `| ${name} | ${fmt(median(xs))} | ${xs.map(fmt).join(' / ')} | ${(median(xs) / t).toFixed(2)} |`,
      );
    }
    console.log(
      `native receiver at native TX rate (median ${fmt(median(rxRuns.map((r) => r.txPps)))} pps): ` +
        `seen ${fmt(seen)} / link ${fmt(link)}, kernel drops ${drops}`,
    );
    console.log('');
    console.log(
      `native/trafgen=${(n / t).toFixed(2)} cap/trafgen=${(c / t).toFixed(2)} ` +
        `rx_seen=${((100 * seen) / link).toFixed(1)}% drops_reported=${reported ? 'yes' : 'no'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    lab.destroy();
  }
}

await main();
