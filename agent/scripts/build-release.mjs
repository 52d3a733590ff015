// Builds the agent release for this machine's architecture: the agent bundled into one script (esbuild),
// made a Node single executable application (the Node runtime that runs this script, with the script
// injected by postject: the host needs no Node), beside the prebuilt native packet engine, in
// `netspotter-agent-VERSION-linux-ARCH.tar.gz` with its `.sha256`. The server hands these out.
//   node scripts/build-release.mjs [--version V] [--out DIR] [--strict]
//   node scripts/build-release.mjs --check     exit 0 when a release can be made here, else 1 with why
// Other architectures need that architecture's Node binary and a cross compiler for the addon; this
// script builds only the one it runs on and says so. Where no release can be made here (another OS or
// architecture, a Node without the single-executable fuse, no native engine) it says why and exits 0,
// so that `npm run build` still works there (the server then offers no release); --strict fails instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const agentDir = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    version: { type: 'string' },
    out: { type: 'string' },
    strict: { type: 'boolean' },
    check: { type: 'boolean' },
  },
});
const version = values.version ?? JSON.parse(readFileSync(join(agentDir, 'package.json'), 'utf8')).version;
const out = values.out ?? join(agentDir, 'dist', 'artifacts');
const arch = process.arch;
const SENTINEL = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function fail(why) {
  console.error(`agent release: ${why}`);
  process.exit(1);
}
/** This machine cannot make a release: fatal only with --strict (or asked with --check). */
function cannot(why) {
  if (values.strict || values.check) fail(why);
  console.warn(`agent release: not built: ${why}; this server will offer hosts no agent to install`);
  process.exit(0);
}
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) fail(`not a release version: ${version}`);
if (process.platform !== 'linux' || (arch !== 'x64' && arch !== 'arm64'))
  cannot(`releases are built for linux-x64 and linux-arm64 (this is ${process.platform}-${arch})`);
const addon = join(agentDir, '..', 'native', 'build', 'Release', 'netspotter_native.node');
if (!existsSync(addon))
  cannot(`the native engine is not built (${addon}): npm run build -w @netspotter/native`);
if (!readFileSync(process.execPath).includes(SENTINEL))
  cannot(`${process.execPath} cannot make single executables (no SEA fuse): use an official Node 20 build`);
if (values.check) process.exit(0);

const work = mkdtempSync(join(tmpdir(), 'netspotter-release-'));
try {
  const started = Date.now();
  const script = join(work, 'agent.cjs');
  await build({
    entryPoints: [join(agentDir, 'src', 'release-main.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // The portable engine needs libpcap on the host: a release runs on the native engine alone.
    external: ['cap'],
    define: {
      NETSPOTTER_AGENT_VERSION: JSON.stringify(version),
      'import.meta.url': '__netspotter_module_url',
    },
    banner: { js: "var __netspotter_module_url = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'error',
  });
  const blob = join(work, 'agent.blob');
  writeFileSync(
    join(work, 'sea.json'),
    JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea.json')], { stdio: 'ignore' });

  const stage = join(work, 'release');
  mkdirSync(stage);
  const executable = join(stage, 'netspotter-agent');
  copyFileSync(process.execPath, executable);
  // Node's own symbols are not needed to run it (a tenth of the size).
  if (spawnSync('strip', [executable]).status !== 0)
    console.warn('agent release: strip not found, kept the symbols');
  // postject's ELF library warns about every note section of a stripped binary: shown only when it fails.
  const inject = spawnSync(
    process.execPath,
    [require.resolve('postject/dist/cli.js'), executable, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SENTINEL],
    { encoding: 'utf8' },
  );
  if (inject.status !== 0) fail(`postject failed: ${inject.stderr}`);
  copyFileSync(addon, join(stage, 'netspotter_native.node'));

  mkdirSync(out, { recursive: true });
  const name = `netspotter-agent-${version}-linux-${arch}.tar.gz`;
  const tarball = join(out, name);
  // Reproducible: fixed owner and time, no gzip time stamp.
  const tar = spawnSync(
    'sh',
    [
      '-c',
      'tar --owner=0 --group=0 --numeric-owner --mtime=@0 -cf - -C "$1" netspotter-agent netspotter_native.node | gzip -n > "$2"',
      'tar',
      stage,
      tarball,
    ],
    { stdio: 'inherit' },
  );
  if (tar.status !== 0) fail('tar failed');
  const sha256 = createHash('sha256').update(readFileSync(tarball)).digest('hex');
  writeFileSync(`${tarball}.sha256`, `${sha256}  ${name}\n`);
  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
  console.log(
    `agent release ${name}: ${mb(statSync(tarball).size)} (executable ${mb(statSync(executable).size)}), ` +
      `sha256 ${sha256}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(
    `agent release: linux-${arch === 'x64' ? 'arm64' : 'x64'} not built here (needs that architecture's Node and a cross compiler)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
