// docker-compose.yml cannot be started here (no Docker engine), so check what can be: it parses,
// wires PostgreSQL, the server, two workers (profile workers) and a raw-socket agent as the README says, and its health check
// passes against the real server (HTTPS with a generated certificate).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-database.ts';
import { startServerProcess } from '../support/server-process.ts';

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8'));

  it('has PostgreSQL, the server on it, two workers (profile workers), and an agent on the host network', () => {
    expect(Object.keys(compose.services)).toEqual(['postgres', 'server', 'worker', 'agent']);
    expect(compose.services.server.environment.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    expect(compose.services.server.depends_on.postgres.condition).toBe('service_healthy');
    expect(compose.services.agent.network_mode).toBe('host');
    // The workers profile: the server as the API, two workers on the same database and secrets key.
    expect(compose.services.server.environment.NETSPOTTER_ROLE).toBe('${NETSPOTTER_ROLE:-all}');
    expect(compose.services.worker.profiles).toEqual(['workers']);
    expect(compose.services.worker.command).toEqual(['server', '--role', 'worker']);
    expect(compose.services.worker.build).toEqual(compose.services.server.build);
    expect(compose.services.worker.deploy.replicas).toBe(2);
    expect(compose.services.worker.environment.DATABASE_URL).toBe(
      compose.services.server.environment.DATABASE_URL,
    );
    expect(compose.services.worker.environment.NETSPOTTER_SECRET_KEY).toBe(
      compose.services.server.environment.NETSPOTTER_SECRET_KEY,
    );
    for (const [name, svc] of Object.entries<{ volumes?: string[] }>(compose.services)) {
      for (const v of svc.volumes ?? [])
        expect(Object.keys(compose.volumes), `${name}: ${v}`).toContain(v.split(':')[0]);
    }
  });

  it('runs the agent image with the privileges of the systemd unit install.sh writes', () => {
    const agent = compose.services.agent;
    expect(agent.build).toEqual({ context: '.', target: 'agent' });
    // The unit: AmbientCapabilities= and CapabilityBoundingSet= name the same two, and nothing else.
    const unit = readFileSync(new URL('../../src/agents/install.sh', import.meta.url), 'utf8');
    const key = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(unit)?.[1]?.split(' ');
    const unitCaps = key('AmbientCapabilities')!.map((c) => c.replace(/^CAP_/, ''));
    expect(unitCaps).toEqual(['NET_RAW', 'NET_ADMIN']);
    expect(key('CapabilityBoundingSet')).toEqual(key('AmbientCapabilities'));
    expect(key('NoNewPrivileges')).toEqual(['yes']);
    expect(key('ProtectSystem')).toEqual(['strict']);
    expect(agent.cap_drop).toEqual(['ALL']);
    expect(agent.cap_add).toEqual(unitCaps);
    expect(agent.security_opt).toEqual(['no-new-privileges:true']);
    expect(agent.read_only).toBe(true);
    // Writable: only its state volume (and a private /tmp, as PrivateTmp=).
    expect(agent.volumes).toEqual(['agentdata:/var/lib/netspotter-agent']);
    expect(agent.tmpfs).toEqual(['/tmp']);
    const dockerfile = readFileSync(new URL('../../../Dockerfile', import.meta.url), 'utf8');
    const stage = dockerfile.slice(dockerfile.indexOf('AS agent'));
    expect(stage).toContain('"stateDir": "/var/lib/netspotter-agent"');
    expect(stage).toMatch(/ENTRYPOINT \["\/opt\/netspotter-agent\/netspotter-agent"/);
  });

  it(
    'health check passes against a real server on HTTPS and fails when nothing listens',
    { timeout: 120_000 },
    async () => {
      const [, , , script] = compose.services.server.healthcheck.test as [string, string, string, string];
      const check = (port: string) =>
        spawnSync(process.execPath, ['-e', script.replace('8080', port)], { timeout: 20_000 }).status;
      const db = await createTestDatabase();
      const server = await startServerProcess({
        NETSPOTTER_DATA_DIR: db.dataDir,
        ...(db.databaseUrl && { DATABASE_URL: db.databaseUrl }),
      });
      try {
        expect(server.url).toMatch(/^https:/);
        expect(check(new URL(server.url).port)).toBe(0);
      } finally {
        server.child.kill('SIGKILL');
        await server.exited;
        await db.drop();
      }
      expect(check(new URL(server.url).port)).toBe(1);
    },
  );
});
