// HTTP(S) to the server with certificate pinning. The agent knows only the SHA-256 fingerprint of the
// server's certificate (from its enrolment token): before any request it fetches the certificate in a
// bare TLS handshake (nothing is sent), checks the fingerprint, then trusts exactly that certificate as
// the only CA and re-checks the fingerprint on every connection. No data ever reaches an unpinned peer.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';
import { nowMs } from '@netspotter/shared/agent-protocol';

export class Unreachable extends Error {}
export class PinMismatch extends Error {}

export interface TransportOptions {
  /** Base URL, http:// or https://. */
  url: string;
  /** Lower-case hex SHA-256 of the server certificate; when unset over https, system CAs decide. */
  fingerprint?: string;
  timeoutMs?: number;
  /** Sent with every request (the agent's release). */
  headers?: Record<string, string>;
}

export interface Download {
  bytes: number;
  /** Lower-case hex SHA-256 of what was written. */
  sha256: string;
}

export interface Response {
  status: number;
  body: unknown;
  /** nowMs() when the request went to its socket (clock probes: t0, as late as we can see). */
  sentAt: number;
  /** nowMs() when the response headers arrived (clock probes: t3, before the body is parsed). */
  receivedAt: number;
}

const normalise = (fp: string) => fp.replaceAll(':', '').toLowerCase();

function fetchCertificate(host: string, port: number, timeoutMs: number): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host, port, servername: isIP(host) ? undefined : host, rejectUnauthorized: false },
      () => {
        const cert = socket.getPeerCertificate(false);
        socket.end();
        resolve(cert);
      },
    );
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Unreachable(`TLS handshake with ${host}:${port} timed out`)),
    );
    socket.once('error', (err) => reject(new Unreachable(`cannot reach ${host}:${port}: ${err.message}`)));
  });
}

export class Transport {
  readonly url: URL;
  readonly plaintext: boolean;
  #agent?: Promise<HttpsAgent>;
  readonly #timeoutMs: number;

  constructor(private readonly opts: TransportOptions) {
    this.url = new URL(opts.url);
    if (this.url.protocol !== 'https:' && this.url.protocol !== 'http:')
      throw new Error(`server URL must be http(s): ${opts.url}`);
    this.plaintext = this.url.protocol === 'http:';
    if (this.plaintext && opts.fingerprint) {
      throw new Error(
        'the enrolment token pins a server certificate, but the server URL is plaintext http://',
      );
    }
    this.#timeoutMs = opts.timeoutMs ?? 60_000;
  }

  #pinnedAgent(): Promise<HttpsAgent> {
    this.#agent ??= (async () => {
      const pin = this.opts.fingerprint;
      if (!pin) return new HttpsAgent({ keepAlive: true });
      const host = this.url.hostname.replace(/^\[|\]$/g, '');
      const cert = await fetchCertificate(host, Number(this.url.port || 443), this.#timeoutMs);
      if (normalise(cert.fingerprint256) !== pin) {
        throw new PinMismatch(
          `server certificate fingerprint ${normalise(cert.fingerprint256)} does not match the pinned ${pin}`,
        );
      }
      const pem = `-----BEGIN CERTIFICATE-----\n${cert.raw.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
      return new HttpsAgent({
        keepAlive: true,
        ca: pem,
        // The pin replaces the host name check: agents often reach the server by an address not in the certificate.
        checkServerIdentity: (_host, c) =>
          normalise(c.fingerprint256) === pin ? undefined : new PinMismatch('server certificate changed'),
      });
    })();
    this.#agent.catch(() => (this.#agent = undefined));
    return this.#agent;
  }

  async request(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<Response> {
    const agent = this.plaintext ? undefined : await this.#pinnedAgent();
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const target = new URL(path, this.url);
    let sentAt = nowMs();
    return new Promise((resolve, reject) => {
      const req = (this.plaintext ? httpRequest : httpsRequest)(
        target,
        {
          method,
          ...(agent && { agent }),
          ...(signal && { signal }),
          headers: {
            ...this.opts.headers,
            ...headers,
            ...(payload && { 'content-type': 'application/json', 'content-length': String(payload.length) }),
          },
        },
        (res: IncomingMessage) => {
          const receivedAt = nowMs();
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(new Unreachable(err.message)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              // not JSON: keep the text for the error message
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, sentAt, receivedAt });
          });
        },
      );
      // Node writes the request right after 'socket' (a kept-alive socket is already connected).
      req.once('socket', () => (sentAt = nowMs()));
      req.setTimeout(this.#timeoutMs, () =>
        req.destroy(new Unreachable(`request ${method} ${path} timed out`)),
      );
      req.on('error', (err) =>
        reject(
          err instanceof PinMismatch || err instanceof Unreachable || err.name === 'AbortError'
            ? err
            : new Unreachable(`${method} ${path}: ${err.message}`),
        ),
      );
      req.end(payload);
    });
  }

  /**
   * GETs `path` into `file` (mode 0600) over the same pinned connection, hashing while it writes. A status
   * other than 200 is an error carrying the server's message.
   */
  async download(path: string, file: string): Promise<Download> {
    const agent = this.plaintext ? undefined : await this.#pinnedAgent();
    return new Promise((resolve, reject) => {
      const fail = (err: Error) =>
        reject(
          err instanceof PinMismatch || err instanceof Unreachable
            ? err
            : new Unreachable(`GET ${path}: ${err.message}`),
        );
      const req = (this.plaintext ? httpRequest : httpsRequest)(
        new URL(path, this.url),
        { method: 'GET', ...(agent && { agent }), headers: { ...this.opts.headers } },
        (res) => {
          if (res.statusCode !== 200) {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8').slice(0, 500);
              let message = text;
              try {
                message = (JSON.parse(text) as { message?: string }).message ?? text;
              } catch {
                // not JSON: the text itself
              }
              reject(new Error(`GET ${path}: HTTP ${res.statusCode}: ${message}`));
            });
            return;
          }
          const hash = createHash('sha256');
          let bytes = 0;
          const out = createWriteStream(file, { mode: 0o600 });
          res.on('data', (c: Buffer) => {
            hash.update(c);
            bytes += c.length;
          });
          res.on('error', fail);
          out.on('error', fail);
          out.on('finish', () => resolve({ bytes, sha256: hash.digest('hex') }));
          res.pipe(out);
        },
      );
      req.setTimeout(this.#timeoutMs, () => req.destroy(new Unreachable(`GET ${path} timed out`)));
      req.on('error', fail);
      req.end();
    });
  }

  close(): void {
    void this.#agent?.then((a) => a.destroy()).catch(() => undefined);
  }
}
