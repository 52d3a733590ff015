// Plaintext is opt-in twice: a server with TLS off still refuses agents unless it allows plaintext
// agents, and an agent that does talk plaintext warns loudly. Real server and agent processes on loopback.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { until } from '../support/until.ts';

const BIN = fileURLToPath(new URL('../../../bin/netspotter.js', import.meta.url));
const PASSWORD = 'plaintext-admin-pw';

describe('plaintext agents', { timeout: 240_000 }, () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  async function plaintextServer(allowAgents: boolean): Promise<{ server: ServerProcess; token: string }> {
    const tdb: TestDatabase = await createTestDatabase();
    cleanup.push(() => tdb.drop());
    const server = await startServerProcess({
      NETSPOTTER_DATA_DIR: tdb.dataDir,
      NETSPOTTER_ADMIN_PASSWORD: PASSWORD,
      NETSPOTTER_TLS: 'off',
      NETSPOTTER_AGENT_PLAINTEXT: String(allowAgents),
      ...(tdb.databaseUrl && { DATABASE_URL: tdb.databaseUrl }),
    });
    cleanup.push(async () => {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await server.exited;
    });
    const login = await server.call('POST', '/api/auth/login', { username: 'admin', password: PASSWORD });
    const cookie = String(login.headers['set-cookie']![0]).split(';')[0]!;
    const token = await server.call('POST', '/api/agents/enrolment-tokens', { name: 'plain' }, { cookie });
    expect(token.status).toBe(201);
    return { server, token: token.body.token };
  }

  function startAgent(url: string, token: string) {
    const stateDir = mkdtempSync(join(tmpdir(), 'ns-plain-agent-'));
    cleanup.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const config = join(stateDir, 'config.json');
    writeFileSync(config, JSON.stringify({ name: 'plain-agent', stateDir, logLevel: 'info' }));
    const child = spawn(
      process.execPath,
      [BIN, 'agent', '--server', url, '--token', token, '--config', config],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const output: string[] = [];
    child.stdout.on('data', (d) => output.push(String(d)));
    child.stderr.on('data', (d) => output.push(String(d)));
    const exited = new Promise<number | string>((r) =>
      child.on('exit', (code, signal) => r(code ?? signal ?? -1)),
    );
    cleanup.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    });
    return { child, output, exited };
  }

  it('a server with TLS off and plaintext agents allowed: the agent enrols over http:// and warns loudly', async () => {
    const { server, token } = await plaintextServer(true);
    expect(server.url).toMatch(/^http:\/\//);
    expect(server.certFile).toBeUndefined();
    expect(token).toMatch(/\.plain$/); // nothing to pin
    const agent = startAgent(server.url, token);
    const text = await until(
      async () => agent.output.join(''),
      (t) => t.includes('"agent running"'),
      60_000,
    );
    expect(text).toMatch(/"level":"warn".*PLAINTEXT enrolment/);
    expect(text).toMatch(/"level":"warn".*PLAINTEXT connection to the server/);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  it('a server with TLS off that does not allow plaintext agents refuses the enrolment', async () => {
    const { server, token } = await plaintextServer(false);
    const agent = startAgent(server.url, token);
    expect(await agent.exited).not.toBe(0);
    expect(agent.output.join('')).toContain('agents must connect over HTTPS');
  });
});
