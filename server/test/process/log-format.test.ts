// Log lines as a person and a log shipper each need them: the real server on a terminal (a pty from
// util-linux `script`) prints readable lines with the request id; piped, it prints JSON lines.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { missingParts } from '../../../test/support/system.ts';
import { startServerProcess } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const BIN = fileURLToPath(new URL('../../../bin/netspotter.js', import.meta.url));
const dbs: TestDatabase[] = [];
/**
 * The server's environment for a fresh database: a data folder with the migrated template copied in
 * (a fresh PGlite initdb takes 15-25 s), or on the PostgreSQL pass a new database of its own (the
 * first-start banner needs one with no users yet).
 */
const databaseEnv = async (): Promise<Record<string, string>> => {
  const db = await createTestDatabase();
  dbs.push(db);
  return { NETSPOTTER_DATA_DIR: db.dataDir, ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}) };
};
afterAll(() => Promise.all(dbs.map((d) => d.drop())));

describe('server log format', () => {
  it('piped: one JSON object per line, each request line carrying its request id', async () => {
    const s = await startServerProcess({
      ...(await databaseEnv()),
      NETSPOTTER_ADMIN_PASSWORD: 'log-format-pw-1',
    });
    try {
      const r = await s.call('GET', '/api/version', undefined, { 'x-request-id': 'req-json-1' });
      expect(r.status).toBe(200);
      await new Promise((res) => setTimeout(res, 200));
      const lines = s.stdout.join('').split('\n').filter(Boolean);
      const parsed = lines.map((l) => JSON.parse(l) as { msg: string; reqId?: string });
      expect(parsed.some((l) => l.msg === 'Netspotter is listening')).toBe(true);
      expect(parsed.some((l) => l.reqId === 'req-json-1')).toBe(true);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  }, 90_000);

  it.skipIf(missingParts({ commands: ['script'] }))(
    'on a terminal: readable lines (time, level, [request id] message), no JSON',
    async () => {
      const dbEnv = await databaseEnv();
      const cmd = `${process.execPath} ${BIN} server --port 0 --host 127.0.0.1`;
      const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
        env: { ...process.env, ...dbEnv, LOG_LEVEL: 'info', NO_COLOR: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      try {
        const deadline = Date.now() + 60_000;
        while (!/Netspotter is listening/.test(out) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 100));
        // eslint-disable-next-line no-control-regex -- the terminal's colour codes are not part of the line
        const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
        const line = plain.split(/\r?\n/).find((l) => l.includes('Netspotter is listening'));
        expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*: Netspotter is listening/);
        expect(plain).not.toMatch(/^\{"level"/m);
        // The first-start banner stays as it is.
        expect(plain).toMatch(/First start: created admin user "admin" with password: \S+/);
        expect(plain).toMatch(/SHA-256 fingerprint ([0-9a-f]{2}:){31}[0-9a-f]{2}/);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
    90_000,
  );
});
