// The real `netspotter server` (root namespace, HTTPS, reachable through the lab's management veth)
// and real `netspotter agent` processes inside lab namespaces, for end-to-end lab suites.
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Transport } from '../../agent/src/client/transport.ts';
import type { DiscoveryResult } from '../../server/src/discovery/result.ts';
import type { NetnsLab } from './netns-lab.ts';

export const BIN = fileURLToPath(new URL('../../bin/netspotter.js', import.meta.url));
export const ADMIN_PASSWORD = 'lab-admin-password';

/** `netspotter discover --json` run in a lab namespace (the CLI's own code path) on a target file. */
export async function discoverIn(
  lab: NetnsLab,
  where: string,
  targetsFile: string,
  flags: string[] = [],
): Promise<DiscoveryResult> {
  const cli = lab.spawn(where, process.execPath, [
    BIN,
    'discover',
    '--targets',
    targetsFile,
    '--json',
    ...flags,
  ]);
  let out = '';
  let err = '';
  cli.stdout!.on('data', (d) => (out += String(d)));
  cli.stderr!.on('data', (d) => (err += String(d)));
  const code = await new Promise((resolve) => cli.once('exit', resolve));
  if (code !== 0) throw new Error(`netspotter discover exited ${code}: ${err}`);
  return JSON.parse(out) as DiscoveryResult;
}

export class LabServer {
  child?: ChildProcess;
  log: string[] = [];
  #api?: Transport;
  #cookie?: string;

  constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly env: Record<string, string> = {},
  ) {}

  /** Starts the server and waits until it listens (PGlite's first initdb can take a while). */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [BIN, 'server', '--port', String(this.port), '--host', '::'], {
      env: {
        ...process.env,
        NETSPOTTER_DATA_DIR: this.dataDir,
        NETSPOTTER_ADMIN_PASSWORD: ADMIN_PASSWORD,
        NETSPOTTER_AGENT_HEARTBEAT_SECONDS: '1',
        LOG_LEVEL: 'info',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (d) => this.log.push(String(d)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not start:\n${this.log.join('')}`)),
        120_000,
      );
      child.stderr!.on('data', (d) => {
        this.log.push(String(d));
        if (/running at https:/.test(String(d))) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code}):\n${this.log.join('')}`));
      });
    });
    this.#api = undefined;
    this.#cookie = undefined;
  }

  get fingerprint(): string {
    return new X509Certificate(readFileSync(join(this.dataDir, 'tls', 'server.crt'))).fingerprint256
      .replaceAll(':', '')
      .toLowerCase();
  }

  /** Kills the server process at once (SIGKILL): no clean shutdown. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
    this.#api?.close();
  }

  /** Calls the API as admin over the pinned HTTPS connection. */
  async api<T = unknown>(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    this.#api ??= new Transport({ url: `https://127.0.0.1:${this.port}`, fingerprint: this.fingerprint });
    this.#cookie ??= await this.#loginCookie();
    return (await this.#api.request(method, path, body, { cookie: this.#cookie })) as {
      status: number;
      body: T;
    };
  }

  // The transport returns bodies only; the session cookie comes from a raw login (to our own test server).
  async #loginCookie(): Promise<string> {
    const { request } = await import('node:https');
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          path: '/api/auth/login',
          method: 'POST',
          ca: readFileSync(join(this.dataDir, 'tls', 'server.crt')), // the generated certificate, trusted as its own CA
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          const cookie = (res.headers['set-cookie'] ?? [])
            .map((c) => c.split(';')[0]!)
            .find((c) => c.startsWith('ns_session='));
          if (cookie) resolve(cookie);
          else reject(new Error('no session cookie'));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }));
    });
  }

  async newToken(name: string): Promise<string> {
    const r = await this.api<{ token: string }>('POST', '/api/agents/enrolment-tokens', { name });
    if (r.status !== 201) throw new Error(`token: ${JSON.stringify(r.body)}`);
    return r.body.token;
  }
}

export interface LabAgent {
  host: string;
  name: string;
  stateDir: string;
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

/** Starts `netspotter agent` in a host's namespace with its own state folder, policy and further settings (engine…). */
export function startAgent(
  lab: NetnsLab,
  dir: string,
  host: string,
  url: string,
  token: string | undefined,
  policy: object = {},
  id = host,
  settings: object = {},
): LabAgent {
  const stateDir = join(dir, `agent-${id}`);
  mkdirSync(stateDir, { recursive: true });
  const name = `lab-${id}`;
  const config = join(stateDir, 'config.json');
  writeFileSync(config, JSON.stringify({ name, stateDir, policy, logLevel: 'debug', ...settings }));
  const child = lab.spawn(host, process.execPath, [
    BIN,
    'agent',
    '--server',
    url,
    ...(token ? ['--token', token] : []),
    '--config',
    config,
  ]);
  const lines: string[] = [];
  child.stdout!.on('data', (d) => lines.push(...String(d).split('\n').filter(Boolean)));
  child.stderr!.on('data', (d) => lines.push(String(d)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { host, name, stateDir, child, lines, exited };
}
