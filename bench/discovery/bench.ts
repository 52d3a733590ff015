// Benchmark: 200 devices served by snmpsim (copies of recorded devices under distinct communities),
// `netspotter discover` against Net-SNMP `snmpbulkwalk` over the same tables at the same concurrency.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as oids from '../../shared/src/snmp/oids.ts';
import { startSnmpsim } from '../../server/test/discovery/support/snmpsim.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CORPUS = resolve(here, '../../../shared/testdata/snmprec');
const DEVICES = Number(process.env.DEVICES ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 64);
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

if (!readdirSync(dirname(CORPUS)).includes('snmprec')) {
  console.error(`bench:discovery needs the recordings in ${CORPUS}`);
  process.exit(2);
}
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
const portOf = new Map(shards.flatMap((shard, s) => shard.map((c) => [c, sims[s]!.port] as const)));
try {
  const targets = join(sims[0]!.dir, 'targets.txt');
  writeFileSync(targets, communities.map((c) => `127.0.0.1:${portOf.get(c)} ${c}`).join('\n') + '\n');
  const jobs = join(sims[0]!.dir, 'jobs.txt');
  writeFileSync(
    jobs,
    communities.flatMap((c) => TABLES.map((t) => `${portOf.get(c)} ${c} ${t}`)).join('\n') + '\n',
  );

  const netspotter = (): { seconds: number; devices: number; varbinds: number } => {
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
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const result = JSON.parse(out.toString()) as { report: { status: string; varbinds?: number }[] };
    return {
      seconds,
      devices: result.report.filter((r) => r.status === 'ok' || r.status === 'partial').length,
      varbinds: result.report.reduce((sum, r) => sum + (r.varbinds ?? 0), 0),
    };
  };
  const snmpbulkwalk = (): number => {
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
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };

  // The simulator's own ceiling: one sequential walk per snmpsim process, so nothing waits but snmpsim.
  const simulatorRate = (): number => {
    const rates = sims.map((sim, s) => {
      const community = shards[s]![0]!;
      const t0 = process.hrtime.bigint();
      const out = execFileSync(
        'snmpbulkwalk',
        [
          '-v2c',
          '-c',
          community,
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
      return out.toString().split('\n').length / (Number(process.hrtime.bigint() - t0) / 1e9);
    });
    return rates.reduce((a, b) => a + b, 0) / rates.length;
  };

  netspotter(); // warm-up: snmpsim opens and indexes each recording on first use
  const base = snmpbulkwalk();
  const ours = netspotter();
  const rate = simulatorRate();
  console.log(
    `snmpbulkwalk: ${base.toFixed(2)} s for ${DEVICES} devices x ${TABLES.length} tables (xargs -P ${CONCURRENCY})`,
  );
  console.log(
    `netspotter discover: ${ours.seconds.toFixed(2)} s, ${ours.devices} devices answered (concurrency ${CONCURRENCY})`,
  );
  console.log(
    `snmpsim: ${rate.toFixed(0)} varbinds/s per process x ${SIMS}; netspotter fetched ${ours.varbinds} varbinds, ` +
      `so the simulators alone need ${(ours.varbinds / (rate * SIMS)).toFixed(1)} s`,
  );
  console.log(
    `netspotter/snmpbulkwalk=${(ours.seconds / base).toFixed(2)} devices=${ours.devices} seconds=${ours.seconds.toFixed(1)}`,
  );
} finally {
  await Promise.all(sims.map((s) => s.stop()));
}
