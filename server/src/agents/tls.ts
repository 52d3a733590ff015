// The server's TLS identity: a configured certificate, or a self-signed one generated on first start
// (npm `selfsigned`, which builds it with @peculiar/x509 over node:crypto) and kept in the data folder.
// Agents pin its SHA-256 fingerprint, carried in their enrolment token, so no CA is involved.
import { X509Certificate, createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, type Config } from '../config/config.ts';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** Lower-case hex SHA-256 of the certificate's DER bytes. */
  fingerprint: string;
  /** `sha256//BASE64` of the certificate's public key (SubjectPublicKeyInfo), as `curl --pinnedpubkey` takes it. */
  publicKeyPin: string;
  certFile: string;
  /** True when this server generated the certificate (no CA vouches for it). */
  generated: boolean;
}

export function certificateFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase();
}

export function publicKeyPin(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256//${createHash('sha256').update(spki).digest('base64')}`;
}

const loaded = new Map<string, Promise<TlsMaterial>>();

/** The TLS material of this configuration, or undefined when TLS is off; generated once per data folder. */
export function loadTls(config: Config): Promise<TlsMaterial> | undefined {
  if (config.tls === 'off') return undefined;
  const key = `${config.dataDir}|${config.tlsCertFile ?? ''}`;
  let p = loaded.get(key);
  if (!p) {
    p = config.tlsCertFile ? readConfigured(config) : ensureGenerated(join(config.dataDir, 'tls'));
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}

async function readConfigured(config: Config): Promise<TlsMaterial> {
  try {
    return readMaterial(config.tlsCertFile!, config.tlsKeyFile!, false);
  } catch (err) {
    throw new ConfigError(
      `invalid setting NETSPOTTER_TLS_CERT / NETSPOTTER_TLS_KEY: ${(err as Error).message}`,
    );
  }
}

async function ensureGenerated(dir: string): Promise<TlsMaterial> {
  const certPath = join(dir, 'server.crt');
  const keyPath = join(dir, 'server.key');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    const { generate } = await import('selfsigned');
    const name = hostname();
    const pems = await generate([{ name: 'commonName', value: `netspotter ${name}` }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 10 * 365 * 24 * 3600_000),
      extensions: [
        // Its own trust anchor: agents pin it as their only CA, which OpenSSL accepts only from a CA certificate.
        { name: 'basicConstraints', cA: true, pathLenConstraint: 0 },
        { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: name },
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(keyPath, pems.private, { mode: 0o600 });
    chmodSync(keyPath, 0o600);
    writeFileSync(certPath, pems.cert);
  }
  return readMaterial(certPath, keyPath, true);
}

function readMaterial(certFile: string, keyFile: string, generated: boolean): TlsMaterial {
  const cert = readFileSync(certFile, 'utf8');
  return {
    cert,
    key: readFileSync(keyFile, 'utf8'),
    fingerprint: certificateFingerprint(cert),
    publicKeyPin: publicKeyPin(cert),
    certFile: resolve(certFile),
    generated,
  };
}
