// Child process: one discovery run through the same code path as `netspotter discover` and the discovery
// task (discover(): poll with bounded concurrency, then build the topology), timed by phase. Args: targets
// file, concurrency. Prints a JSON line as the build starts (the poll's figures), then one at the end:
// devices, varbinds, nodes and links, seconds, build seconds, CPU seconds, peak RSS.
import { readFileSync } from 'node:fs';
import { discover } from '../../server/src/discovery/discover.ts';
import { parseTargetFile } from '../../server/src/discovery/target-file.ts';

const [file, concurrency] = process.argv.slice(2);
const { targets } = parseTargetFile(readFileSync(file!, 'utf8'), 'public');
const t0 = performance.now();
let buildAt = 0;
const usage = () => {
  const cpu = process.cpuUsage();
  return { cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024 };
};
const result = await discover({ targets, concurrency: Number(concurrency), timeoutMs: 5000 }, (p) => {
  if (p.phase !== 'build' || buildAt) return;
  buildAt = performance.now();
  console.log(
    JSON.stringify({ phase: 'build', polled: p.done, pollSeconds: (buildAt - t0) / 1000, ...usage() }),
  );
});
const t1 = performance.now();
console.log(
  JSON.stringify({
    phase: 'done',
    devices: result.report.filter((r) => r.status === 'ok' || r.status === 'partial').length,
    unreachable: result.unreachable.length,
    varbinds: result.report.reduce((n, r) => n + (r.varbinds ?? 0), 0),
    nodes: result.devices.length,
    links: result.links.length,
    linksBy: result.links.reduce<Record<string, number>>((by, l) => {
      for (const e of l.evidence) by[e] = (by[e] ?? 0) + 1;
      return by;
    }, {}),
    seconds: (t1 - t0) / 1000,
    buildSeconds: (t1 - buildAt) / 1000,
    ...usage(),
  }),
);
