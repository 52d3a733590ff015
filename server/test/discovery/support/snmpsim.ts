// Starts Debian's snmpsim on a free loopback UDP port (IPv4 and IPv6) serving the given recordings,
// each under its community name. Only processes started here are stopped, by PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SNMPSIM = ['snmpsimd', 'snmpsim-command-responder', 'snmpsimd.py'].find(
  (c) => spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status === 0,
);

export interface Snmpsim {
  port: number;
  dir: string;
  stop: () => Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface SnmpsimOptions {
  /** Extra snmpsimd arguments (SNMPv3 users). */
  v3?: string[];
  /** Run inside this network namespace, listening only on `endpoint` (`[v6]:port` or `v4:port`). */
  netns?: string;
  endpoint?: string;
  /** More IPv4 loopback addresses (127.0.0.2, …) to answer on, on the same port: one target per address. */
  alsoOn?: string[];
}

/** `files`: community → path of a recording to copy, or `{ text }` with the recording itself. */
export async function startSnmpsim(
  files: Record<string, string | { text: string }>,
  options: SnmpsimOptions = {},
): Promise<Snmpsim> {
  if (!SNMPSIM) throw new Error('snmpsim is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'netspotter-snmpsim-'));
  const data = join(dir, 'data');
  const cache = join(dir, 'cache');
  mkdirSync(data);
  mkdirSync(cache);
  for (const [community, source] of Object.entries(files)) {
    const dest = join(data, `${community}.snmprec`);
    if (typeof source === 'string') copyFileSync(source, dest);
    else writeFileSync(dest, source.text);
  }
  chmodSync(dir, 0o755);
  chmodSync(data, 0o755);
  chmodSync(cache, 0o777);
  for (const f of Object.keys(files)) chmodSync(join(data, `${f}.snmprec`), 0o644);
  const port = options.endpoint ? Number(options.endpoint.split(':').pop()) : await freeUdpPort();
  const endpoints = options.endpoint
    ? [
        options.endpoint.startsWith('[')
          ? `--agent-udpv6-endpoint=${options.endpoint}`
          : `--agent-udpv4-endpoint=${options.endpoint}`,
      ]
    : [
        `--agent-udpv4-endpoint=127.0.0.1:${port}`,
        `--agent-udpv6-endpoint=[::1]:${port}`,
        ...(options.alsoOn ?? []).map((a) => `--agent-udpv4-endpoint=${a}:${port}`),
      ];
  const args = [
    `--data-dir=${data}`,
    `--cache-dir=${cache}`,
    ...endpoints,
    ...(process.getuid?.() === 0 ? ['--process-user=nobody', '--process-group=nogroup'] : []),
    `--logging-method=file:${join(dir, 'snmpsimd.log')}`,
    ...(options.v3 ?? []),
  ];
  const inNs = (cmd: string, rest: string[]): [string, string[]] =>
    options.netns ? ['ip', ['netns', 'exec', options.netns, cmd, ...rest]] : [cmd, rest];
  const child: ChildProcess = spawn(...inNs(SNMPSIM, args), { stdio: 'ignore' });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const probe = Object.keys(files)[0]!;
  for (let i = 0; i < 150; i++) {
    const agent = options.endpoint
      ? options.endpoint.startsWith('[')
        ? `udp6:${options.endpoint}`
        : options.endpoint
      : `127.0.0.1:${port}`;
    const r = spawnSync(
      ...inNs('snmpget', ['-v2c', '-c', probe, '-t', '0.3', '-r', '0', agent, '1.3.6.1.2.1.1.5.0']),
      { encoding: 'utf8' },
    );
    if (r.status === 0 && !/Timeout/.test(r.stderr)) return { port, dir, stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error('snmpsim did not start answering');
}
