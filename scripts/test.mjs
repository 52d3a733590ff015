// `npm test`: make the suites whole, then run them all.
// As root on Debian the missing system packages are installed first (one announced line);
// elsewhere the suites that need them skip themselves, and one loud summary line says which.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { createInterface } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';
import { SYSTEM_PACKAGES, isDebian, missingPackages } from './system-packages.mjs';

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts }).status ?? 1;

let missing = missingPackages();
const isRoot = process.getuid?.() === 0;
if (missing.length > 0 && isRoot && isDebian()) {
  console.log(`netspotter test: installing system packages the suites need: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env };
  if (
    run('apt-get', ['update', '-qq'], quiet) !== 0 ||
    run('apt-get', ['install', '-y', '-qq', ...missing], quiet) !== 0
  ) {
    console.error('netspotter test: apt-get failed; suites needing those packages will be skipped');
  }
  missing = missingPackages();
}
// `npm install` removes the optional `cap` engine when its build failed (libpcap-dev missing then), so
// `npm rebuild cap` finds nothing; installing again puts it back from the lockfile and builds it.
// Asked in a child: a process remembers a package it once failed to find.
const capLoads = () => run(process.execPath, ['-e', "require('cap')"], { stdio: 'ignore' }) === 0;
if (!missing.includes('libpcap-dev') && !capLoads()) {
  console.log('netspotter test: installing the optional `cap` engine now that libpcap-dev is installed');
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (!capLoads())
    console.error('netspotter test: `cap` still does not load; suites that compare with cap will fail');
}
const skipLine =
  missing.length === 0
    ? ''
    : `SKIPPED SUITES — missing system packages (${isRoot ? 'install failed' : 'not root'}${isDebian() ? '' : ', not Debian'}): ` +
      missing.map((p) => `${p} → ${SYSTEM_PACKAGES[p]}`).join('; ');
if (skipLine) console.warn(`\n!!! ${skipLine}\n`);

// The GUI and the native addon are built for the suites that use them; types and lint are checked too.
if (
  run('npx', ['turbo', 'run', 'build', 'typecheck', 'lint', '--output-logs=errors-only'], {
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  }) !== 0
) {
  console.error('netspotter test: build, typecheck or lint failed (see above)');
  process.exit(1);
}
// The lab suites and benchmarks live outside the workspaces, so turbo does not check them.
if (run('npm', ['run', '--silent', 'check:root']) !== 0) {
  console.error(
    'netspotter test: typecheck or lint of test/, bench/ or scripts/, or the Prettier check, failed (see above; `npx prettier --write .` formats)',
  );
  process.exit(1);
}

mkdirSync('test-results', { recursive: true });
// Lab suites append one line per scenario they skip for a missing kernel feature (test/support/kernel-features.ts).
const skipLog = 'test-results/skipped-scenarios.log';
writeFileSync(skipLog, '');
const env = { ...process.env, NETSPOTTER_MISSING_PACKAGES: missing.join(','), NETSPOTTER_SKIP_LOG: skipLog };

/** One vitest process over `args`, its report in `test-results/<name>.json`; each output line starts `[name]` when `tag`. */
function vitest(name, args, tag) {
  rmSync(`test-results/${name}.json`, { force: true });
  const child = spawn(
    'npx',
    [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=test-results/${name}.json`,
      ...args,
    ],
    {
      env: { ...env, ...(tag && process.stdout.isTTY && { FORCE_COLOR: '1' }) },
      stdio: ['ignore', tag ? 'pipe' : 'inherit', tag ? 'pipe' : 'inherit'],
    },
  );
  if (tag)
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ])
      createInterface({ input: from, crlfDelay: Infinity }).on('line', (l) => to.write(`[${name}] ${l}\n`));
  return new Promise((resolve) => child.once('close', (code) => resolve({ name, status: code ?? 1 })));
}

// On two cores vitest gives every project one worker, so all files would run one after another. The lab
// suites (namespaces, daemons, real agents: mostly waiting on timers and packets) run in a second process
// beside the other projects, which mostly compute; within each process files still run one at a time.
// Arguments (`--project server`, a file) mean one process over just those, as plain vitest would.
const runs = await Promise.all(
  process.argv.length > 2
    ? [vitest('vitest', process.argv.slice(2), false)]
    : [vitest('lab', ['--project', 'lab'], true), vitest('rest', ['--project', '!lab'], true)],
);

const totals = { passed: 0, failed: 0, skipped: 0 };
// The failures again, last: a log kept only by its tail (CI's) would otherwise lose the lab process's.
const failures = [];
for (const { name } of runs)
  try {
    const r = JSON.parse(readFileSync(`test-results/${name}.json`, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
    for (const file of r.testResults) {
      const where = relative(process.cwd(), file.name);
      for (const t of file.assertionResults)
        if (t.status === 'failed')
          failures.push({ where: `${where} > ${t.fullName}`, why: t.failureMessages?.[0] });
      // A file that failed outside its tests (a hook, an import) has no failed test to name.
      if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'))
        failures.push({ where, why: file.message });
    }
  } catch {
    console.error(`netspotter test: no vitest report was written by the ${name} run`);
    totals.failed += 1;
  }
for (const { where, why } of failures) {
  const lines = stripVTControlCharacters(why ?? 'no message')
    .split('\n')
    .filter((l) => l.trim() && !/^\s*at /.test(l)); // the message, not the stack
  console.error(
    `\nFAILED ${where}\n${lines
      .slice(0, 12)
      .map((l) => `  ${l}`)
      .join('\n')}`,
  );
}
if (skipLine) console.warn(`\n!!! ${skipLine}`);
for (const line of new Set(readFileSync(skipLog, 'utf8').split('\n').filter(Boolean)))
  console.warn(`!!! ${line}`);
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(runs.every((r) => r.status === 0) ? 0 : 1);
