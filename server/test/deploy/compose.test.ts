// docker-compose.yml cannot be started here (no Docker engine), so check what can be: it parses,
// and wires PostgreSQL, the server and a raw-socket agent as the README says.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8'));

  it('has PostgreSQL, the server on it, and an agent with NET_RAW and NET_ADMIN on the host network', () => {
    expect(Object.keys(compose.services)).toEqual(['postgres', 'server', 'agent']);
    expect(compose.services.server.environment.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    expect(compose.services.server.depends_on.postgres.condition).toBe('service_healthy');
    expect(compose.services.agent.network_mode).toBe('host');
    expect(compose.services.agent.cap_add).toEqual(['NET_RAW', 'NET_ADMIN']);
    for (const [name, svc] of Object.entries<{ volumes?: string[] }>(compose.services)) {
      for (const v of svc.volumes ?? []) expect(Object.keys(compose.volumes), `${name}: ${v}`).toContain(v.split(':')[0]);
    }
  });
});
