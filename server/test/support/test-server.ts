// A real server (real database, real migrations) for API tests through app.inject, with its
// log lines captured so tests can assert what was (and was not) logged.
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { createLogger } from '../../src/logging.ts';
import { createServer, type RunningServer } from '../../src/server.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export const ADMIN_PASSWORD = 'admin-password-1';

export interface TestServer extends RunningServer {
  logs: string[];
  database: TestDatabase;
  config: Config;
  /** Headers of a bearer token for a new user with this role (created through the API). */
  as(role: 'admin' | 'operator' | 'viewer'): Promise<Record<string, string>>;
  /** Closes this server without dropping the database (for restart tests). */
  stop(): Promise<void>;
  /** Closes and drops the database. */
  destroy(): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<Config> = {},
  database?: TestDatabase,
): Promise<TestServer> {
  const db = database ?? (await createTestDatabase());
  const config = loadConfig(
    {},
    {
      dataDir: db.dataDir,
      ...(db.databaseUrl && { databaseUrl: db.databaseUrl }),
      adminPassword: ADMIN_PASSWORD,
      logLevel: 'debug',
      // app.inject is plaintext whatever the server serves; tests that listen on HTTPS ask for tls 'on'.
      tls: 'off',
      ...overrides,
    },
  );
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const server = await createServer(config, createLogger(config.logLevel, sink));
  const tokens = new Map<string, Record<string, string>>();
  let adminHeaders: Record<string, string> | undefined;
  const adminLogin = async () => {
    if (adminHeaders) return adminHeaders;
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`admin login failed: ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'ns_session')!;
    adminHeaders = { cookie: `ns_session=${cookie.value}` };
    return adminHeaders;
  };
  return {
    ...server,
    logs,
    database: db,
    config,
    async as(role) {
      const known = tokens.get(role);
      if (known) return known;
      const admin = await adminLogin();
      if (role === 'admin') {
        tokens.set(role, admin);
        return admin;
      }
      const username = `${role}-user`;
      await server.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: admin,
        payload: { username, password: 'password-123', role },
      });
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: admin,
        payload: { name: `${role} tests`, username },
      });
      const headers = { authorization: `Bearer ${res.json().token}` };
      tokens.set(role, headers);
      return headers;
    },
    stop: () => server.close(),
    async destroy() {
      await server.close();
      await db.drop();
    },
  };
}
