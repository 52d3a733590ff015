// Benchmark: discovery beside Net-SNMP `snmpbulkwalk`, and the poller's own ceiling.
//  1. The fast responder (./snmp-responder.ts, recordings served from memory) is checked against snmpsim:
//     the same request datagrams to both, answers compared byte for byte; any difference stops the bench.
//  2. As before: 200 devices served by snmpsim (copies of recorded devices under distinct communities),
//     `netspotter discover` against `snmpbulkwalk` over the same tables at the same concurrency. snmpsim
//     needs about as long to serve the walks as the poller takes, so this mostly measures the simulator.
//  3. The same 200 devices on the fast responder, both tools: what they cost when the agent is not the limit.
//  4. The poller's ceiling: POLLER_DEVICES (default 10,000) distinct device copies on the fast responder (its
//     own process, sharing the machine), one discovery run (poll, then topology build) in a process of its
//     own: devices/s, varbinds/s, CPU and peak RSS of the poller, build time.
//  5. With DATABASE_URL: WORKER_DEVICES (default POLLER_DEVICES) copies discovered through the job engine on
//     PostgreSQL by 1, then 2 `netspotter server --role worker` processes (an api-only server in this process
//     queues the runs): the throughput ratio (devices per second of the poll phase), and — as the responder
//     and the database share the machine's cores with the workers — the workers' CPU-seconds per device
//     in each configuration, the measure that does not depend on what the other processes took.
// Ends with `netspotter/snmpbulkwalk=R devices=N seconds=S` (2.), then
// `poller devices=N seconds=S build_s=B rss_mb=M workers2_speedup=R` (4. and 5.; n/a without DATABASE_URL).
// Knobs for diagnosis (defaults: the full bench): PHASES=4,5 runs only those phases (figures of the phases
// left out print as n/a); WORKER_COUNTS=1 runs phase 5 with those worker counts only (the speedup needs 1
// and 2); WORKER_CPU_PROF=DIR has each worker process write a V8 CPU profile (`--cpu-prof`) into DIR.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as oids from '../../shared/src/snmp/oids.ts';
import { startSnmpsim } from '../../server/test/discovery/support/snmpsim.ts';
import { groupCpuSeconds } from '../support/cpu.ts';
import { compareWithSnmpsim } from './check.ts';
import { workersRuns, type WorkersRun } from './workers-run.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = resolve(here, '../../../shared/testdata/snmprec');
const DEVICES = Number(process.env.DEVICES ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
const POLLER_DEVICES = Number(process.env.POLLER_DEVICES ?? 10_000);
const POLLER_CONCURRENCY = Number(process.env.POLLER_CONCURRENCY ?? 128);
/** The ceiling run is stopped after this long (a build that scales badly would otherwise hold the bench). */
const POLLER_LIMIT_S = Number(process.env.POLLER_LIMIT_S ?? 1800);
const WORKER_DEVICES = Number(process.env.WORKER_DEVICES ?? POLLER_DEVICES);
const PHASES = new Set((process.env.PHASES ?? '1,2,3,4,5').split(',').map(Number));
const WORKER_COUNTS = (process.env.WORKER_COUNTS ?? '1,2').split(',').map(Number);
// Non-Cisco recordings: Cisco boxes need per-VLAN community probes that the recordings lack, which
// snmpbulkwalk would not be asked to do.
const RECORDINGS = [
  'arista_eos',
  'arista_eos_7280r',
  'arubaos-cx_10.07',
  'ciena-sds',
  'cumulus_bgp',
  'dell-sonic',
  'edgeswitch_usw-flex-xg',
  'eltex-mes23xx_mes2324b',
  'junos_qfx5100',
  'junos_vmx',
  'linux_raspberrypi-gpiomonitor',
  'ocnos_s9600-32x',
  'procurve',
  'procurve_2520',
  'routeros_crs317',
  'vrp_5720',
];

// The subtrees the discovery walks (primary tables; fallbacks are only walked when these are empty).
const TABLES = [
  '1.3.6.1.2.1.1',
  oids.IF_TABLE.entry,
  oids.IF_X_TABLE.entry,
  oids.IP_ADDRESS_TABLE.entry,
  oids.IP_NET_TO_PHYSICAL.entry,
  oids.DOT1D_BASE_PORT.entry,
  oids.DOT1Q_TP_FDB.entry,
  oids.DOT1Q_VLAN_CURRENT.entry,
  '1.0.8802.1.1.2.1.3',
  oids.LLDP_REM.entry,
  oids.LLDP_REM_MAN_ADDR.entry,
  oids.CDP_CACHE.entry,
  oids.INET_CIDR_ROUTE.entry,
  oids.MGMD_ROUTER_CACHE.entry,
  oids.IPMCAST_ROUTE.entry,
  oids.PIM_STD_NEIGHBOR.entry,
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secondsSince = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
/** The machine's load averages (1, 5, 15 min), printed beside figures taken on a shared machine. */
const load = () =>
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;

if (!readdirSync(dirname(CORPUS)).includes('snmprec')) {
  console.error(`bench:discovery needs the recordings in ${CORPUS}`);
  process.exit(2);
}

/** `netspotter discover` on a target file: seconds, devices that answered, varbinds fetched. */
function netspotter(targets: string) {
  const t0 = process.hrtime.bigint();
  const out = execFileSync(
    process.execPath,
    [
      join(here, '../../bin/netspotter.js'),
      'discover',
      '--targets',
      targets,
      '--json',
      '--concurrency',
      String(CONCURRENCY),
      '--timeout',
      '5000',
    ],
    { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const seconds = secondsSince(t0);
  const result = JSON.parse(out.toString()) as { report: { status: string; varbinds?: number }[] };
  return {
    seconds,
    devices: result.report.filter((r) => r.status === 'ok' || r.status === 'partial').length,
    varbinds: result.report.reduce((sum, r) => sum + (r.varbinds ?? 0), 0),
  };
}

/** snmpbulkwalk over every (port, community, table) line of `jobs`, CONCURRENCY at a time: seconds. */
function snmpbulkwalk(jobs: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    'sh',
    [
      '-c',
      `xargs -P ${CONCURRENCY} -L 1 sh -c 'snmpbulkwalk -v2c -c "$1" -On -Oq -t 5 -r 1 127.0.0.1:$0 "$2" > /dev/null' < ${jobs}`,
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  // xargs exits 123 when a walk reported an error (some recordings hold non-increasing OIDs); 0 or 123 is a finished run.
  if (r.status !== 0 && r.status !== 123) throw new Error(`snmpbulkwalk run failed (${r.status})`);
  return secondsSince(t0);
}

/** Target and job files for communities on their ports. */
function writeTargets(dir: string, tag: string, devices: [community: string, port: number][]) {
  const targets = join(dir, `${tag}-targets.txt`);
  writeFileSync(targets, devices.map(([c, p]) => `127.0.0.1:${p} ${c}`).join('\n') + '\n');
  const jobs = join(dir, `${tag}-jobs.txt`);
  writeFileSync(jobs, devices.flatMap(([c, p]) => TABLES.map((t) => `${p} ${c} ${t}`)).join('\n') + '\n');
  return { targets, jobs };
}

/** The fast responder in its own process, serving `devices` copies (communities d0, d1, ...). */
async function responder(devices: number) {
  const p = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(here, 'responder-process.ts'),
      '0',
      CORPUS,
      String(devices),
      RECORDINGS.join(','),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  let out = '';
  p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  while (!/ready \d+/.test(out)) {
    if (p.exitCode !== null) throw new Error('the responder did not start');
    await sleep(100);
  }
  const port = Number(/ready (\d+)/.exec(out)![1]);
  const stop = async () => {
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
    return JSON.parse(out.trim().split('\n').at(-1)!) as {
      requests: number;
      varbinds: number;
      bytes: number;
    };
  };
  return { port, pid: p.pid!, stop };
}

interface PollerResult {
  devices: number;
  unreachable: number;
  varbinds: number;
  nodes: number;
  links: number;
  linksBy: Record<string, number>;
  seconds: number;
  buildSeconds: number;
  cpuSeconds: number;
  maxRssMb: number;
}

/** One discovery run in a process of its own, stopped after POLLER_LIMIT_S. */
async function pollerRun(targets: string) {
  const p: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'poller-run.ts'), targets, String(POLLER_CONCURRENCY)],
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  let out = '';
  p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const t0 = process.hrtime.bigint();
  let finished = false;
  const exited = new Promise<void>((r) => p.once('exit', () => ((finished = true), r())));
  // Peak RSS as the kernel keeps it (VmHWM), read while the process lives: known even if it is stopped.
  let peakRssMb = 0;
  const sample = setInterval(() => {
    try {
      const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))?.[1];
      if (kb) peakRssMb = Number(kb) / 1024;
    } catch {
      // gone
    }
  }, 1000);
  let limit: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (limit = setTimeout(r, POLLER_LIMIT_S * 1000)))]);
  clearTimeout(limit);
  clearInterval(sample);
  if (!finished) {
    process.kill(-p.pid!, 'SIGKILL');
    await exited;
  }
  const lines = out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map(
      (l) =>
        JSON.parse(l) as { phase: string; polled?: number; pollSeconds?: number } & Partial<PollerResult>,
    );
  return {
    seconds: secondsSince(t0),
    peakRssMb,
    build: lines.find((l) => l.phase === 'build'),
    done: lines.find((l) => l.phase === 'done') as PollerResult | undefined,
  };
}

/** 1. The responder answers as snmpsim does. */
async function checkResponder() {
  const check = await compareWithSnmpsim(
    Object.fromEntries(RECORDINGS.map((r) => [r, join(CORPUS, `${r}.snmprec`)])),
    30,
  );
  console.log(
    `fast responder: ${check.identical} of ${check.requests} answers (GET, GETNEXT, GETBULK over ${RECORDINGS.length} recordings) byte-identical to snmpsim's`,
  );
  if (check.identical !== check.requests) {
    for (const m of check.mismatches) console.log(JSON.stringify(m));
    throw new Error('the fast responder does not answer as snmpsim does');
  }
}

/** 2. 200 devices on snmpsim, as before: seconds of snmpbulkwalk, and netspotter's run. */
async function snmpsimPhase(dir: string) {
  const files: Record<string, string> = {};
  for (let i = 0; i < DEVICES; i++) {
    const rec = RECORDINGS[i % RECORDINGS.length]!;
    files[`bench${String(i).padStart(3, '0')}-${rec}`] = join(CORPUS, `${rec}.snmprec`);
  }
  // snmpsim answers from one single-threaded process: run one per CPU so the agents are not the only bottleneck.
  const SIMS = Number(process.env.SIMS ?? Math.max(1, availableParallelism()));
  const communities = Object.keys(files);
  const shards = Array.from({ length: SIMS }, (_, s) => communities.filter((_, i) => i % SIMS === s));
  const sims = await Promise.all(
    shards.map((shard) => startSnmpsim(Object.fromEntries(shard.map((c) => [c, files[c]!])))),
  );
  let base: number;
  let ours: ReturnType<typeof netspotter>;
  try {
    const portOf = new Map(shards.flatMap((shard, s) => shard.map((c) => [c, sims[s]!.port] as const)));
    const { targets, jobs } = writeTargets(
      dir,
      'snmpsim',
      communities.map((c) => [c, portOf.get(c)!]),
    );
    netspotter(targets); // warm-up: snmpsim opens and indexes each recording on first use
    base = snmpbulkwalk(jobs);
    ours = netspotter(targets);
    // The simulator's own ceiling: one sequential walk per snmpsim process, so nothing waits but snmpsim.
    const rates = sims.map((sim, s) => {
      const t0 = process.hrtime.bigint();
      const out = execFileSync(
        'snmpbulkwalk',
        [
          '-v2c',
          '-c',
          shards[s]![0]!,
          '-On',
          '-Oq',
          '-Cc',
          '-Cr48',
          '-t',
          '10',
          `127.0.0.1:${sim.port}`,
          '1.3.6.1.2.1',
        ],
        { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      return out.toString().split('\n').length / secondsSince(t0);
    });
    const rate = rates.reduce((a, b) => a + b, 0) / rates.length;
    console.log(
      `snmpsim, ${DEVICES} devices x ${TABLES.length} tables: snmpbulkwalk ${base.toFixed(2)} s (xargs -P ${CONCURRENCY}), ` +
        `netspotter discover ${ours.seconds.toFixed(2)} s, ${ours.devices} devices answered (concurrency ${CONCURRENCY})`,
    );
    console.log(
      `snmpsim: ${rate.toFixed(0)} varbinds/s per process x ${SIMS}; netspotter fetched ${ours.varbinds} varbinds, ` +
        `so the simulators alone need ${(ours.varbinds / (rate * SIMS)).toFixed(1)} s`,
    );
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
  }
  return { base, ours };
}

/** 3. The same 200 devices on the fast responder. */
async function fastPhase(dir: string) {
  const r = await responder(DEVICES);
  try {
    const { targets, jobs } = writeTargets(
      dir,
      'fast',
      Array.from({ length: DEVICES }, (_, i): [string, number] => [`d${i}`, r.port]),
    );
    const walk = snmpbulkwalk(jobs);
    const run = netspotter(targets);
    console.log(
      `fast responder, ${DEVICES} devices: snmpbulkwalk ${walk.toFixed(2)} s, netspotter discover ${run.seconds.toFixed(2)} s ` +
        `(${(run.seconds / walk).toFixed(2)}), ${run.devices} devices answered, ${fmt(run.varbinds)} varbinds`,
    );
  } finally {
    await r.stop();
  }
}

/** 4. The poller's ceiling: the run, and the seconds of its poll. */
async function ceilingPhase(dir: string) {
  const r = await responder(POLLER_DEVICES);
  let run: Awaited<ReturnType<typeof pollerRun>>;
  let responderCpu: number;
  let served: { requests: number; varbinds: number };
  try {
    const cpu0 = groupCpuSeconds(r.pid);
    const { targets } = writeTargets(
      dir,
      'ceiling',
      Array.from({ length: POLLER_DEVICES }, (_, i): [string, number] => [`d${i}`, r.port]),
    );
    run = await pollerRun(targets);
    responderCpu = groupCpuSeconds(r.pid) - cpu0;
  } finally {
    served = await r.stop();
  }
  const pollS = run.build?.pollSeconds ?? run.seconds;
  console.log('');
  console.log(
    `poller ceiling, ${fmt(POLLER_DEVICES)} device copies (own names, MACs and addresses) on the fast responder, concurrency ${POLLER_CONCURRENCY} (${load()}):`,
  );
  console.log(
    `  poll: ${fmt(run.build?.polled ?? 0)} devices in ${pollS.toFixed(1)} s = ${((run.build?.polled ?? 0) / pollS).toFixed(1)} devices/s; ` +
      `poller CPU ${(run.build?.cpuSeconds ?? NaN).toFixed(1)} s (${(((run.build?.cpuSeconds ?? NaN) * 1000) / (run.build?.polled ?? 1)).toFixed(1)} ms per device), ` +
      `RSS ${(run.build?.maxRssMb ?? NaN).toFixed(0)} MB; responder ${fmt(served.requests)} requests, ` +
      `${fmt(served.varbinds)} varbinds = ${fmt(served.varbinds / pollS)} varbinds/s, CPU ${responderCpu.toFixed(1)} s`,
  );
  if (run.done) {
    const d = run.done;
    console.log(
      `  ${fmt(d.devices)} devices answered (${d.unreachable} unreachable), ${fmt(d.varbinds)} varbinds received`,
    );
    console.log(
      `  build: ${d.buildSeconds.toFixed(1)} s, ${fmt(d.nodes)} nodes, ${fmt(d.links)} links (${Object.entries(
        d.linksBy,
      )
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')}); poller CPU ${d.cpuSeconds.toFixed(1)} s in all, peak RSS ${d.maxRssMb.toFixed(0)} MB`,
    );
  } else
    console.log(
      `  the run was stopped after ${POLLER_LIMIT_S} s, ${run.build ? `in the topology build (${(run.seconds - pollS).toFixed(0)} s into it)` : 'still polling'}; peak RSS ${run.peakRssMb.toFixed(0)} MB`,
    );
  return { run, pollS };
}

/** 5. 1 and 2 worker processes on PostgreSQL: the speedup of 2 over 1, or n/a. */
async function workersPhase(dir: string): Promise<string> {
  let speedup = 'n/a';
  if (process.env.DATABASE_URL) {
    const w = await responder(WORKER_DEVICES);
    let runs: WorkersRun[];
    try {
      const { targets } = writeTargets(
        dir,
        'workers',
        Array.from({ length: WORKER_DEVICES }, (_, i): [string, number] => [`d${i}`, w.port]),
      );
      runs = await workersRuns(process.env.DATABASE_URL, readFileSync(targets, 'utf8'), WORKER_COUNTS, {
        concurrency: POLLER_CONCURRENCY,
        limitS: POLLER_LIMIT_S,
        ...(process.env.WORKER_CPU_PROF && { cpuProfDir: resolve(process.env.WORKER_CPU_PROF) }),
      });
    } finally {
      await w.stop();
    }
    console.log(
      `workers on PostgreSQL, ${fmt(WORKER_DEVICES)} device copies on the fast responder, run window ${POLLER_CONCURRENCY} devices (${load()}):`,
    );
    for (const r of runs)
      console.log(
        `  ${r.workers} worker${r.workers > 1 ? 's' : ''}: ${fmt(r.devices)} devices polled in ${r.pollSeconds.toFixed(1)} s = ` +
          `${(r.devices / r.pollSeconds).toFixed(1)} devices/s${r.workers > 1 ? ` (${r.share.join(' + ')})` : ''}; run ${r.state} after ${r.seconds.toFixed(1)} s (snapshot stored); ` +
          `worker CPU in the poll ${r.pollCpuSeconds.toFixed(1)} s = ${((r.pollCpuSeconds * 1000) / r.devices).toFixed(1)} ms per device, ` +
          `in all ${r.cpuSeconds.toFixed(1)} s = ${((r.cpuSeconds * 1000) / r.devices).toFixed(1)} ms per device`,
      );
    const rate = (n: number) => runs.find((r) => r.workers === n);
    const [one, two] = [rate(1), rate(2)];
    if (one && two) {
      speedup = (two.devices / two.pollSeconds / (one.devices / one.pollSeconds)).toFixed(2);
      console.log(
        `  2 workers / 1: ${speedup}x the throughput (target 1.6x); the responder and PostgreSQL share the ${availableParallelism()} cores, ` +
          `so CPU per device (above) is the figure that does not depend on them`,
      );
    }
  } else console.log('  2 workers: n/a (needs DATABASE_URL: worker processes share a run on PostgreSQL)');
  return speedup;
}

const dir = mkdtempSync(join(tmpdir(), 'bench-discovery-'));
try {
  if (PHASES.has(1)) await checkResponder();
  const walks = PHASES.has(2) ? await snmpsimPhase(dir) : undefined;
  if (PHASES.has(3)) await fastPhase(dir);
  const ceiling = PHASES.has(4) ? await ceilingPhase(dir) : undefined;
  const speedup = PHASES.has(5) ? await workersPhase(dir) : 'n/a';

  console.log('');
  console.log(
    walks
      ? `netspotter/snmpbulkwalk=${(walks.ours.seconds / walks.base).toFixed(2)} devices=${walks.ours.devices} seconds=${walks.ours.seconds.toFixed(1)}`
      : 'netspotter/snmpbulkwalk=n/a devices=n/a seconds=n/a',
  );
  const run = ceiling?.run;
  console.log(
    run
      ? `poller devices=${run.done?.devices ?? run.build?.polled ?? 0} seconds=${run.done ? run.done.seconds.toFixed(1) : `>${run.seconds.toFixed(0)}`} ` +
          `build_s=${run.done ? run.done.buildSeconds.toFixed(1) : `>${(run.seconds - ceiling.pollS).toFixed(0)}`} ` +
          `rss_mb=${(run.done?.maxRssMb ?? run.peakRssMb).toFixed(0)} workers2_speedup=${speedup}`
      : `poller devices=n/a seconds=n/a build_s=n/a rss_mb=n/a workers2_speedup=${speedup}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
