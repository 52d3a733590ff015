// Builds the addon with node-gyp against the local Node headers (no downloads). Run by
// `npm install`: where it cannot build it explains why and exits 0, so installs never fail on it;
// `--strict` (npm run build) makes a failed build an error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const strict = process.argv.includes('--strict');
const root = dirname(dirname(fileURLToPath(import.meta.url)));

function giveUp(why) {
  console.warn(`@netspotter/native: not built — ${why}.`);
  console.warn('@netspotter/native: the agent falls back to the portable `cap` engine.');
  process.exit(strict ? 1 : 0);
}

if (process.platform !== 'linux') giveUp(`the native engine is Linux-only (this is ${process.platform})`);

const prefix = dirname(dirname(process.execPath));
const gyp = [
  process.env.npm_config_node_gyp,
  join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
].find((p) => p && existsSync(p));
if (!gyp) giveUp('node-gyp not found (it ships with npm)');

// Local headers (Debian's nodejs-dev, or a tarball install) spare node-gyp a download CI cannot do.
const args = [gyp, 'rebuild'];
if (existsSync(join(prefix, 'include/node/node_api.h'))) args.push(`--nodedir=${prefix}`);
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  giveUp('node-gyp failed (needs a C compiler, make and python3; see the output above)');
}
console.log('@netspotter/native: built build/Release/netspotter_native.node');
