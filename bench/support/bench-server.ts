// A real server for a benchmark, in the benchmark's process: HTTPS on loopback (the address named
// `localhost`, as its generated certificate does), logged in as the first admin, able to hand out
// enrolment tokens to simulated agents.
import { loadConfig, type Config } from '../../server/src/config/config.ts';
import pino from 'pino';
import { createLogger } from '../../server/src/logging.ts';
import { createServer } from '../../server/src/server.ts';

const PASSWORD = 'bench-password-1';

export async function startBenchServer(settings: Partial<Config> & { dataDir: string }) {
  const config = loadConfig({}, { adminPassword: PASSWORD, tls: 'on', ...settings });
  // The product's default level (info), so that its logging costs what it costs a user; only warnings and
  // worse reach the benchmark's output.
  const logs = pino.multistream([{ level: 'warn', stream: process.stdout }]);
  const server = await createServer(config, createLogger(config.logLevel, logs));
  const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
  const login = await server.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'admin', password: PASSWORD },
  });
  const cookie = `ns_session=${login.cookies.find((c) => c.name === 'ns_session')!.value}`;
  /** `count` enrolment tokens, for agents named PREFIX-0, PREFIX-1, … */
  async function enrolmentTokens(count: number, prefix: string): Promise<string[]> {
    const tokens: string[] = [];
    for (let i = 0; i < count; i++) {
      const r = await server.app.inject({
        method: 'POST',
        url: '/api/agents/enrolment-tokens',
        headers: { cookie },
        payload: { name: `${prefix}-${i}` },
      });
      tokens.push(r.json<{ token: string }>().token);
    }
    return tokens;
  }
  return { server, base: address.replace('127.0.0.1', 'localhost'), cookie, enrolmentTokens };
}
