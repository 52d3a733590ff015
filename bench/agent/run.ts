// bench:agent — the agent's cap engine on a veth pair between two namespaces this script creates:
// (1) sender pps of the agent's load sender (as fast as it goes) beside trafgen (netsniff-ng) with the
// same 128-byte frame, pps from the link's tx counter over 5 s; (2) the receiver's lossless rate: the
// highest offered rate (agent sender, paced) the agent receiver counts without a single lost frame.
// Ends with `cap/trafgen=R.RR rx_lossless_pps=N`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledFrame, FRAME } from './frame.ts';

const tag = randomBytes(3).toString('hex');
const nsA = `nsb${tag}a`;
const nsB = `nsb${tag}b`;
const here = fileURLToPath(new URL('.', import.meta.url));
// One process per child (no tsx wrapper), so signals reach the script itself.
const node = (script: string, ...args: string[]) => [
  process.execPath,
  '--import',
  'tsx',
  join(here, script),
  ...args,
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const counter = (ns: string, dev: string, name: string) =>
  Number(
    execFileSync('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${dev}/statistics/${name}`], {
      encoding: 'utf8',
    }),
  );
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function setup() {
  ip('netns', 'add', nsA);
  ip('netns', 'add', nsB);
  ip(
    '-n',
    nsA,
    'link',
    'add',
    'vA',
    'address',
    FRAME.srcMac,
    'type',
    'veth',
    'peer',
    'name',
    'vB',
    'netns',
    nsB,
  );
  for (const [ns, dev] of [
    [nsA, 'vA'],
    [nsB, 'vB'],
  ] as const) {
    ip(
      'netns',
      'exec',
      ns,
      'sysctl',
      '-qw',
      'net.ipv6.conf.all.accept_dad=0',
      'net.ipv6.conf.default.accept_dad=0',
    );
    ip('-n', ns, 'link', 'set', dev, 'up');
  }
}

function teardown() {
  for (const ns of [nsA, nsB]) {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
    for (const p of pids) process.kill(Number(p), 'SIGKILL');
    ip('netns', 'del', ns);
  }
}

/** A process in a namespace pinned to a CPU; its own process group so trafgen's worker is stopped too. */
function inNs(ns: string, cpu: number, cmd: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, 'taskset', '-c', String(cpu), ...cmd], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}
const ready = (p: ChildProcess) =>
  new Promise<void>((resolve) => {
    let out = '';
    p.stdout!.on('data', (d) => (out += String(d)).includes('ready') && resolve());
  });
const exited = (p: ChildProcess) =>
  new Promise<void>((r) => (p.exitCode !== null ? r() : p.once('exit', () => r())));

/** tx pps of a sender over 5 s of its run, from the link counter. */
async function txPps(
  start: () => ChildProcess,
  stop: (p: ChildProcess) => void,
  waitReady: boolean,
): Promise<number> {
  const p = start();
  if (waitReady) await ready(p); // node needs a moment to start; trafgen starts at once
  await sleep(1000);
  const a = counter(nsA, 'vA', 'tx_packets');
  const t0 = Date.now();
  await sleep(5000);
  const b = counter(nsA, 'vA', 'tx_packets');
  const pps = ((b - a) * 1000) / (Date.now() - t0);
  stop(p);
  await exited(p);
  return pps;
}

async function lossless(pps: number): Promise<{ lost: number; received: number; sent: number }> {
  const rx = inNs(nsB, 1, node('cap-receiver.ts', 'vB'));
  let out = '';
  rx.stdout!.on('data', (d) => (out += String(d)));
  while (!out.includes('ready')) await sleep(50);
  const tx = inNs(nsA, 0, node('cap-sender.ts', 'vA', String(pps), '3'));
  await ready(tx);
  let txOut = '';
  tx.stdout!.on('data', (d) => (txOut += String(d)));
  await exited(tx);
  await sleep(500); // frames in flight
  process.kill(-rx.pid!, 'SIGTERM');
  await exited(rx);
  const sent = JSON.parse(txOut.trim().split('\n').at(-1)!).sent as number;
  const stream = JSON.parse(out.trim().split('\n').at(-1)!).streams[0] ?? { unique: 0 };
  return { sent, received: stream.unique, lost: sent - stream.unique };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-agent-'));
  setup();
  try {
    const conf = join(dir, 'frame.trafgen');
    writeFileSync(
      conf,
      `{ ${[...compiledFrame().bytes].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')} }\n`,
    );
    await sleep(1500);
    const trafgen: number[] = [];
    const cap: number[] = [];
    for (let round = 1; round <= 3; round++) {
      trafgen.push(
        await txPps(
          () =>
            inNs(nsA, 0, ['trafgen', '--dev', 'vA', '--conf', conf, '--cpus', '1', '--no-sock-mem', '-Q']),
          (p) => process.kill(-p.pid!, 'SIGINT'),
          false,
        ),
      );
      cap.push(
        await txPps(
          () => inNs(nsA, 0, node('cap-sender.ts', 'vA', '100000000', '7')),
          (p) => process.kill(-p.pid!, 'SIGKILL'),
          true,
        ),
      );
      console.log(
        `round ${round}: trafgen ${fmt(trafgen.at(-1)!)} pps, agent cap sender ${fmt(cap.at(-1)!)} pps`,
      );
    }
    const t = median(trafgen);
    const c = median(cap);
    console.log(`tx (128-byte frames, median of 3): trafgen ${fmt(t)} pps, agent cap sender ${fmt(c)} pps`);

    // Lossless receive: step the offered rate up until the receiver loses a frame, then bisect once.
    let best = 0;
    let bad = 0;
    for (const rate of [10_000, 20_000, 40_000, 80_000, 160_000]) {
      if (rate > c) break;
      const r = await lossless(rate);
      console.log(
        `rx at ${fmt(rate)} pps offered: sent ${fmt(r.sent)}, received ${fmt(r.received)}, lost ${fmt(r.lost)}`,
      );
      if (r.lost === 0) best = rate;
      else {
        bad = rate;
        break;
      }
    }
    if (bad) {
      const mid = Math.round((best + bad) / 2);
      const r = await lossless(mid);
      console.log(
        `rx at ${fmt(mid)} pps offered: sent ${fmt(r.sent)}, received ${fmt(r.received)}, lost ${fmt(r.lost)}`,
      );
      if (r.lost === 0) best = mid;
    }
    console.log(`cap/trafgen=${(c / t).toFixed(2)} rx_lossless_pps=${best}`);
  } finally {
    teardown();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
