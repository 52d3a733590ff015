import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('applies defaults, then the file, then the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-cfg-'));
    const file = join(dir, 'netspotter.config.json');
    writeFileSync(file, JSON.stringify({ port: 9000, maxTargetRange: 256, logLevel: 'warn' }));
    const cfg = loadConfig({ NETSPOTTER_CONFIG: file, PORT: '9100' });
    expect(cfg).toMatchObject({
      port: 9100,
      maxTargetRange: 256,
      logLevel: 'warn',
      host: '0.0.0.0',
      sessionTtlHours: 12,
    });
    // HTTPS unless turned off; plaintext agents only when allowed.
    expect(cfg).toMatchObject({ tls: 'on', agentPlaintext: false });
    expect(loadConfig({ NETSPOTTER_TLS: 'off' }).tls).toBe('off');
    expect(cfg.dataDir.startsWith('/')).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, /invalid setting PORT: must be an integer from 0 to 65535 \(got "eighty"\)/],
    [{ PORT: '70000' }, /PORT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL: must be one of/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgres/],
    [{ NETSPOTTER_SECRET_KEY: 'c2hvcnQ=' }, /NETSPOTTER_SECRET_KEY: must be base64 of exactly 32 bytes$/],
    [{ NETSPOTTER_ADMIN_PASSWORD: 'short' }, /NETSPOTTER_ADMIN_PASSWORD: must be at least 8 characters$/],
    [{ NETSPOTTER_ROLE: 'boss' }, /NETSPOTTER_ROLE: must be one of api, worker, all/],
    [{ NETSPOTTER_ROLE: 'worker' }, /NETSPOTTER_ROLE: worker needs DATABASE_URL/],
    [
      { NETSPOTTER_ROLE: 'api', DATABASE_URL: 'postgres://x/y' },
      /NETSPOTTER_ROLE: api needs NETSPOTTER_SECRET_KEY/,
    ],
  ])('names the bad setting %j (and never echoes a secret)', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('wants a configured TLS certificate and key together', () => {
    expect(() => loadConfig({ NETSPOTTER_TLS_CERT: '/etc/ssl/a.crt' })).toThrow(
      /give both the certificate and its key/,
    );
    expect(loadConfig({ NETSPOTTER_TLS_CERT: '/a.crt', NETSPOTTER_TLS_KEY: '/a.key' })).toMatchObject({
      tlsCertFile: '/a.crt',
      tlsKeyFile: '/a.key',
    });
  });

  it('names unknown and malformed settings in the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-cfg-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ NETSPOTTER_CONFIG: file })).toThrow(
      `config file ${file}: unknown setting "prot"`,
    );
    writeFileSync(file, '{ nope');
    expect(() => loadConfig({ NETSPOTTER_CONFIG: file })).toThrow(/config file .*c\.json: /);
    writeFileSync(file, JSON.stringify({ bodyLimit: 'big' }));
    expect(() => loadConfig({ NETSPOTTER_CONFIG: file })).toThrow(/"bodyLimit" in .*must be an integer/);
  });
});
