// Runs after `npm install` / `npm ci`: generates the Prisma client offline, then says in one line
// which optional native parts were not built and what would add them.
// Prisma's CLI wants a schema-engine binary it cannot download here; `generate` does not use it,
// so any existing path satisfies the check (see README, "Database").
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
const r = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
if (r.status !== 0) {
  console.error('netspotter: `prisma generate` failed; the server cannot start without its database client.');
  process.exit(r.status ?? 1);
}

// `cap` (libpcap) is an optional dependency: npm drops it silently when its build fails, which on
// Linux means the libpcap headers were missing. Agents then run on the native AF_PACKET engine.
try {
  require('cap');
} catch {
  console.warn(
    'netspotter: optional `cap` (libpcap) engine not built — libpcap-dev is not installed; agents use the native ' +
      'AF_PACKET engine. To add it: apt-get install libpcap-dev && npm install',
  );
}
