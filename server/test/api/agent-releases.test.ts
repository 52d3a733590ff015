// Agent releases through the API: the catalog registers tarballs whose bytes match their build digest
// (and refuses the others), the install script carries this server's pins and the registered digests
// (and refuses a token pinning another certificate before it changes anything), downloads, update
// requests and their progress through heartbeats, version negotiation, and uninstall.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_VERSION_HEADER } from '@netspotter/shared/agent-protocol';
import { requireCompatibleAgent } from '../../src/agents/agent-version.ts';
import { loadTls } from '../../src/agents/tls.ts';
import { enrolAgent, hostFacts, newToken, secretOf, type TestAgent } from '../support/agent-calls.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'ns-releases-'));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A release file (any bytes: the catalog checks digests, not contents) with its build digest. */
function release(version: string, arch: string, digest?: string): Buffer {
  const bytes = randomBytes(4096);
  const name = `netspotter-agent-${version}-linux-${arch}.tar.gz`;
  writeFileSync(join(dir, name), bytes);
  writeFileSync(join(dir, `${name}.sha256`), `${digest ?? sha(bytes)}  ${name}\n`);
  return bytes;
}

describe('agent releases, install script, updates', () => {
  let s: TestServer;
  let admin: Record<string, string>;
  const v010 = release('0.1.0', 'x64');
  const v011 = release('0.1.1', 'x64');
  release('0.1.2', 'x64', 'ab'.repeat(32)); // its digest file does not match: never registered
  beforeAll(async () => {
    s = await startTestServer({ tls: 'on', agentPlaintext: true, agentArtifactsDir: dir });
    admin = await s.as('admin');
  });
  afterAll(async () => {
    await s?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = (url: string, headers = admin) => s.app.inject({ method: 'GET', url, headers });
  const post = async (url: string, payload: object, headers = admin) =>
    s.app.inject({ method: 'POST', url, headers, payload });
  const agentRow = (a: TestAgent) => s.ctx.db.prisma.agent.findUniqueOrThrow({ where: { id: a.id } });

  it('lists the releases whose digest matched, newest first; a mismatching one is refused and logged once', async () => {
    const r = await get('/api/agents/releases');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      serverVersion: '0.1.0',
      latest: '0.1.1',
      releases: [
        { version: '0.1.1', arch: 'x64', sha256: sha(v011), size: 4096 },
        { version: '0.1.0', arch: 'x64', sha256: sha(v010), size: 4096 },
      ],
    });
    await get('/api/agents/releases');
    expect(s.logs.filter((l) => l.includes('agent release not registered'))).toHaveLength(1);
    expect(s.logs.find((l) => l.includes('agent release not registered'))).toContain('0.1.2');
  });

  it('serves the install script with this server’s pins and the registered digest; it is valid sh', async () => {
    const tls = (await loadTls(s.config))!;
    const r = await get('/agent/install.sh', {});
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/x-shellscript');
    expect(r.body).toContain(`SERVER_FINGERPRINT='${tls.fingerprint}'`);
    expect(r.body).toContain(`PUBLIC_KEY_PIN='${tls.publicKeyPin}'`);
    expect(r.body).toContain(`RELEASE_x64='0.1.1 ${sha(v011)}'`);
    expect(r.body).toContain("RELEASE_arm64=''");
    expect(r.body).not.toMatch(/@@\w+@@/);
    expect(spawnSync('sh', ['-n', '-c', r.body]).status).toBe(0);
    // The token's fingerprint must be this server's: a token for another server stops the script at once.
    const script = join(dir, 'install.sh');
    writeFileSync(script, r.body);
    const other = `nse1.${'s'.repeat(43)}.${'cd'.repeat(32)}`;
    const run = spawnSync('sh', [script, '--server', 'https://[2001:db8::1]:8080', '--token', other], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `the token pins certificate ${'cd'.repeat(32)}, but this server's is ${tls.fingerprint}`,
    );
    // The enrolment token carries the same pins the script checks.
    const t = await post('/api/agents/enrolment-tokens', { name: 'pins' });
    expect(t.json()).toMatchObject({ fingerprint: tls.fingerprint, publicKeyPin: tls.publicKeyPin });
  });

  it('downloads a release as stored; bad versions and architectures are 400 naming the field, unknown ones 404', async () => {
    const r = await get('/agent/download/0.1.1/x64', {});
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/gzip');
    expect(sha(r.rawPayload)).toBe(sha(v011));
    expect((await get('/agent/download/9.9.9/x64', {})).statusCode).toBe(404);
    const badVersion = await get('/agent/download/latest/x64', {});
    expect(badVersion.statusCode).toBe(400);
    expect(badVersion.json().field).toBe('version');
    const badArch = await get('/agent/download/0.1.1/mips', {});
    expect(badArch.statusCode).toBe(400);
    expect(badArch.json().field).toBe('arch');
  });

  it('an admin asks for an update; the agent is offered it in its beats and its progress is kept', async () => {
    const a = await enrolAgent(s, 'upd-1');
    const b = await enrolAgent(s, 'upd-2');
    const refusals: [object, string][] = [
      [{}, 'agentIds'],
      [{ all: true, agentIds: [a.id] }, 'all'],
      [{ agentIds: [a.id, 'no-such-agent'] }, 'agentIds[1]'],
      [{ agentIds: [a.id], version: '9.9.9' }, 'version'],
      [{ agentIds: [a.id], version: 'newest' }, 'version'],
      [{ agentIds: [a.id], extra: 1 }, 'extra'],
    ];
    for (const [body, field] of refusals) {
      const r = await post('/api/agents/update', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().field).toBe(field);
    }
    expect((await post('/api/agents/update', { all: true }, await s.as('viewer'))).statusCode).toBe(403);
    expect((await agentRow(a)).targetVersion).toBeNull(); // nothing written by the refusals

    const r = await post('/api/agents/update', { agentIds: [a.id] });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      version: '0.1.1',
      requested: [{ agentId: a.id, name: 'upd-1' }],
      skipped: [],
    });
    const beat = await a.call('/api/agent/heartbeat', { t0: Date.now() });
    expect(beat.json().update).toEqual({
      version: '0.1.1',
      arch: 'x64',
      sha256: sha(v011),
      size: 4096,
      path: '/agent/download/0.1.1/x64',
    });
    expect((await b.call('/api/agent/heartbeat', { t0: Date.now() })).json().update).toBeUndefined();

    await a.call('/api/agent/heartbeat', {
      t0: Date.now(),
      update: { version: '0.1.1', state: 'downloading' },
    });
    const listed = (await get('/api/agents')).json() as { name: string; update: { state: string } | null }[];
    expect(listed.find((x) => x.name === 'upd-1')!.update).toMatchObject({
      targetVersion: '0.1.1',
      state: 'downloading',
    });
    expect(listed.find((x) => x.name === 'upd-2')!.update).toBeNull();

    // The new release beats with its version: done, and no longer offered.
    const after = await a.call('/api/agent/heartbeat', {
      t0: Date.now(),
      facts: { ...hostFacts('upd-1'), agentVersion: '0.1.1' },
    });
    expect(after.json().update).toBeUndefined();
    expect(await agentRow(a)).toMatchObject({ version: '0.1.1', updateState: 'succeeded' });

    // all: the one already on 0.1.1 is skipped with the reason.
    const all = await post('/api/agents/update', { all: true });
    expect(all.json().skipped).toEqual([{ agentId: a.id, name: 'upd-1', reason: 'already runs 0.1.1' }]);
    // A failed trial is reported back and no longer offered.
    await b.call('/api/agent/heartbeat', {
      t0: Date.now(),
      update: { version: '0.1.1', state: 'rolled-back', message: 'release 0.1.1 failed its trial' },
    });
    expect(await agentRow(b)).toMatchObject({
      updateState: 'rolled-back',
      updateMessage: 'release 0.1.1 failed its trial',
    });
    expect((await b.call('/api/agent/heartbeat', { t0: Date.now() })).json().update).toBeUndefined();
  });

  it('negotiates versions: a malformed version header is 400; an agent two minor versions behind is told what to install', async () => {
    const a = await enrolAgent(s, 'ver-1');
    const bad = await s.app.inject({
      method: 'POST',
      url: '/api/agent/heartbeat',
      headers: { authorization: `Agent ${a.key}`, [AGENT_VERSION_HEADER]: 'new' },
      payload: { t0: Date.now() },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe(AGENT_VERSION_HEADER);
    const behind = await s.app.inject({
      method: 'POST',
      url: '/api/agent/heartbeat',
      headers: { authorization: `Agent ${a.key}`, [AGENT_VERSION_HEADER]: '0.0.7' },
      payload: { t0: Date.now() },
    });
    expect(behind.statusCode).toBe(200); // one minor version behind 0.1: accepted
    // Against a server two minor versions ahead, the refusal carries the newest release for its architecture.
    const refusal = await requireCompatibleAgent('0.1.0', 'x64', s.ctx.releases, '0.3.0').catch(
      (e: unknown) => e,
    );
    expect(refusal).toMatchObject({
      code: 'agent_outdated',
      details: { serverVersion: '0.3.0', update: { version: '0.1.1', sha256: sha(v011) } },
    });
    expect((refusal as Error).message).toContain('accepts agents from 0.2.0 on');
    await expect(requireCompatibleAgent('0.2.5', 'x64', s.ctx.releases, '0.3.0')).resolves.toBeUndefined();
    // Enrolment checks the version too.
    const enrol = await s.app.inject({
      method: 'POST',
      url: '/api/agent/enrol',
      headers: { [AGENT_VERSION_HEADER]: 'x' },
      payload: { secret: secretOf(await newToken(s, 'ver-2')), name: 'ver-2', facts: hostFacts('ver-2') },
    });
    expect(enrol.statusCode).toBe(400);
    expect(enrol.json().field).toBe(AGENT_VERSION_HEADER);
  });

  it('uninstall ends the session with reason "uninstalled" and the key stops working', async () => {
    const a = await enrolAgent(s, 'gone-1');
    await a.beat();
    const r = await a.call('/api/agent/uninstall', { reason: 'uninstalled' });
    expect(r.statusCode).toBe(204);
    const sessions = (await get(`/api/agents/sessions?agentId=${a.id}`)).json();
    expect(sessions[0]).toMatchObject({ endReason: 'uninstalled' });
    expect(sessions[0].endedAt).not.toBeNull();
    const beat = await a.call('/api/agent/heartbeat', { t0: Date.now() });
    expect(beat.statusCode).toBe(403);
    expect(beat.json().error).toBe('agent_disconnected');
    expect((await a.call('/api/agent/uninstall', { reason: 'x'.repeat(201) })).statusCode).toBe(400);
  });

  it('a refused release is checked again once its files change, and registered when they match', async () => {
    const name = 'netspotter-agent-0.1.2-linux-x64.tar.gz';
    const bytes = readFileSync(join(dir, name));
    expect((await get('/agent/download/0.1.2/x64', {})).statusCode).toBe(404);
    writeFileSync(join(dir, `${name}.sha256`), `${sha(bytes)}  ${name}\n`);
    const r = await get('/api/agents/releases');
    expect(r.json().latest).toBe('0.1.2');
    expect(r.json().releases[0]).toMatchObject({ version: '0.1.2', sha256: sha(bytes) });
    const download = await get('/agent/download/0.1.2/x64', {});
    expect(download.statusCode).toBe(200);
    expect(sha(download.rawPayload)).toBe(sha(bytes));
    expect(s.logs.filter((l) => l.includes('agent release not registered'))).toHaveLength(1);
  });
});
