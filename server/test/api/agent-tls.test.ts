import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnrolmentToken } from '@netspotter/shared/agent-protocol';
import { PinMismatch, Transport } from '@netspotter/agent/client/transport';
import { ServerClient } from '@netspotter/agent/client/server-client';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { hostFacts, newToken } from '../support/agent-calls.ts';

describe('HTTPS with a generated certificate, pinned by agents', () => {
  let s: TestServer;
  let url: string;
  beforeAll(async () => {
    s = await startTestServer({ tls: 'on' });
    const address = await s.app.listen({ port: 0, host: '127.0.0.1' });
    url = address;
  });
  afterAll(() => s?.destroy());

  it('generates a certificate on first start, key readable by the owner only', () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const dir = join(s.config.dataDir, 'tls');
    expect(statSync(join(dir, 'server.key')).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(readFileSync(join(dir, 'server.crt')));
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
  });

  it('the enrolment token carries the certificate fingerprint; the agent pins it and enrols over TLS', async () => {
    const token = parseEnrolmentToken(await newToken(s, 'tls-1'));
    const cert = new X509Certificate(readFileSync(join(s.config.dataDir, 'tls', 'server.crt')));
    expect(token.fingerprint).toBe(cert.fingerprint256.replaceAll(':', '').toLowerCase());
    const client = new ServerClient({ url, fingerprint: token.fingerprint! });
    try {
      const r = await client.enrol(token.secret, 'tls-1', hostFacts('tls-1'));
      expect(r.key).toMatch(/^nsa_/);
      const beat = await client.heartbeat({ t0: Date.now() });
      expect(beat.t2).toBeGreaterThanOrEqual(beat.t1);
      // One process, one clock: the true offset is 0, and an NTP sample's error is within half its round trip.
      const samples = [beat.sample];
      for (let i = 0; i < 20; i++) samples.push(await client.time());
      for (const x of samples) {
        expect(x.rttMs).toBeGreaterThan(0);
        expect(Math.abs(x.offsetMs)).toBeLessThanOrEqual(x.rttMs / 2);
      }
      // Sub-ms stamps: offsets are not stuck on Date.now()'s 0.5 ms grid.
      expect(samples.some((x) => !Number.isInteger(x.offsetMs * 2))).toBe(true);
      // reusing the burnt token fails
      const again = new ServerClient({ url, fingerprint: token.fingerprint! });
      await expect(again.enrol(token.secret, 'tls-1b', hostFacts('tls-1b'))).rejects.toMatchObject({
        status: 401,
        code: 'unauthenticated',
      });
      again.close();
    } finally {
      client.close();
    }
  });

  it('a wrong fingerprint fails before anything is sent: the token stays usable', async () => {
    const token = parseEnrolmentToken(await newToken(s, 'tls-2'));
    const wrong = new ServerClient({ url, fingerprint: 'ab'.repeat(32) });
    await expect(wrong.enrol(token.secret, 'tls-2', hostFacts('tls-2'))).rejects.toBeInstanceOf(PinMismatch);
    wrong.close();
    const right = new ServerClient({ url, fingerprint: token.fingerprint! });
    await expect(right.enrol(token.secret, 'tls-2', hostFacts('tls-2'))).resolves.toMatchObject({
      agentId: expect.any(String),
    });
    right.close();
  });

  it('refuses a pinned token with a plaintext URL, and plaintext agents on this server', async () => {
    const token = parseEnrolmentToken(await newToken(s, 'tls-3'));
    expect(
      () => new Transport({ url: url.replace('https', 'http'), fingerprint: token.fingerprint! }),
    ).toThrow(/plaintext/);
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/agent/enrol',
      payload: { secret: token.secret, name: 'p', facts: hostFacts('p') },
    });
    expect(res.json()).toMatchObject({ error: 'tls_required' }); // inject is plaintext
  });

  it('serves a configured certificate instead of generating one; tokens pin that one', async () => {
    // Any PEM pair will do: this server's generated one, copied out as "the admin's own".
    const own = mkdtempSync(join(tmpdir(), 'ns-own-cert-'));
    for (const f of ['server.crt', 'server.key'])
      copyFileSync(join(s.config.dataDir, 'tls', f), join(own, f));
    const other = await startTestServer({
      tls: 'on',
      tlsCertFile: join(own, 'server.crt'),
      tlsKeyFile: join(own, 'server.key'),
    });
    try {
      const otherUrl = await other.app.listen({ port: 0, host: '127.0.0.1' });
      expect(existsSync(join(other.config.dataDir, 'tls'))).toBe(false);
      const token = parseEnrolmentToken(await newToken(other, 'own-cert'));
      const cert = new X509Certificate(readFileSync(join(own, 'server.crt')));
      expect(token.fingerprint).toBe(cert.fingerprint256.replaceAll(':', '').toLowerCase());
      const client = new ServerClient({ url: otherUrl, fingerprint: token.fingerprint! });
      await expect(client.enrol(token.secret, 'own-cert', hostFacts('own-cert'))).resolves.toMatchObject({
        agentId: expect.any(String),
      });
      client.close();
    } finally {
      await other.destroy();
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('keeps the same certificate across restarts', async () => {
    const before = parseEnrolmentToken(await newToken(s, 'tls-4')).fingerprint;
    await s.stop();
    s = await startTestServer({ tls: 'on' }, s.database);
    expect(parseEnrolmentToken(await newToken(s, 'tls-5')).fingerprint).toBe(before);
  });
});
