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

/** `files`: community → path of a recording to copy, or `{ text }` with the recording itself. */
export async function startSnmpsim(files: Record<string, string | { text: string }>, options: { v3?: string[] } = {}): Promise<Snmpsim> {
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
  const port = await freeUdpPort();
  const args = [
    `--data-dir=${data}`,
    `--cache-dir=${cache}`,
    `--agent-udpv4-endpoint=127.0.0.1:${port}`,
    `--agent-udpv6-endpoint=[::1]:${port}`,
    ...(process.getuid?.() === 0 ? ['--process-user=nobody', '--process-group=nogroup'] : []),
    `--logging-method=file:${join(dir, 'snmpsimd.log')}`,
    ...(options.v3 ?? []),
  ];
  const child: ChildProcess = spawn(SNMPSIM, args, { stdio: 'ignore' });
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
    const r = spawnSync('snmpget', ['-v2c', '-c', probe, '-t', '0.3', '-r', '0', `127.0.0.1:${port}`, '1.3.6.1.2.1.1.5.0'], { encoding: 'utf8' });
    if (r.status === 0 && !/Timeout/.test(r.stderr)) return { port, dir, stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error('snmpsim did not start answering');
}
