// A fresh host for install tests: a lab host's network namespace plus its own persistent mount namespace
// in which the repository (/work), /tmp and Node are not visible, /opt and /run start empty, /etc is an
// overlay (users and units written there never reach the real /etc), and systemctl is the stand-in that
// runs units with their User= and capabilities (test/lab/systemctl-stand-in.sh; this machine has no
// running systemd). Commands run there through nsenter; destroy() stops its services and unmounts it all.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { NetnsLab } from './netns-lab.ts';

const run = promisify(execFile);
const STAND_IN = fileURLToPath(new URL('./systemctl-stand-in.sh', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export class FreshHost {
  readonly #mnt: string;

  private constructor(
    readonly lab: NetnsLab,
    readonly host: string,
    private readonly dir: string,
  ) {
    this.#mnt = join(dir, 'ns', 'mnt');
  }

  /** Makes the mount namespace (under `dir`, which must not be inside the repository). */
  static async create(lab: NetnsLab, host: string, dir: string): Promise<FreshHost> {
    const h = new FreshHost(lab, host, dir);
    const ns = join(dir, 'ns');
    mkdirSync(ns, { recursive: true });
    mkdirSync(join(dir, 'etc'), { recursive: true });
    // A namespace can be kept in a file only on a private mount.
    await run('mount', ['--bind', ns, ns]);
    await run('mount', ['--make-private', ns]);
    writeFileSync(h.#mnt, '');
    const setup = [
      'set -e',
      // Everything below stays inside this namespace.
      'mount --make-rprivate /',
      `mount -t tmpfs tmpfs "${dir}/etc"`,
      `mkdir "${dir}/etc/upper" "${dir}/etc/work"`,
      `mount -t overlay overlay -o lowerdir=/etc,upperdir="${dir}/etc/upper",workdir="${dir}/etc/work" /etc`,
      `mount --bind "${STAND_IN}" /usr/bin/systemctl`,
      // No Node: the agent release must bring its own runtime.
      'mount --bind /dev/null /usr/bin/node',
      'mount -t tmpfs tmpfs /opt',
      'mount -t tmpfs tmpfs /run',
      'mkdir -p /run/systemd/system',
      `mount -t tmpfs tmpfs "${REPO.replace(/\/$/, '')}"`,
      'mount -t tmpfs tmpfs /work 2>/dev/null || true',
      'mount -t tmpfs -o mode=1777 tmpfs /tmp',
    ].join('\n');
    try {
      await run('unshare', [`--mount=${h.#mnt}`, '--propagation', 'private', 'sh', '-c', setup]);
    } catch (err) {
      await h.destroy();
      throw err;
    }
    return h;
  }

  /** Runs a shell command on the host (as root) and returns its outcome; never throws for a non-zero exit. */
  exec(script: string, timeoutMs = 120_000): Result {
    const r = spawnSync(
      'nsenter',
      [`--mount=${this.#mnt}`, `--net=/run/netns/${this.lab.host(this.host).ns}`, '--', 'sh', '-c', script],
      { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
    );
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
  }

  /** Stops the stand-in's services, then unmounts the namespace file. Safe to call twice. */
  async destroy(): Promise<void> {
    this.exec(
      'for p in /run/systemctl-stand-in/*.pid; do [ -f "$p" ] && systemctl stop "$(basename "$p" .pid)"; done; true',
      30_000,
    );
    await run('umount', [this.#mnt]).catch(() => undefined);
    await run('umount', [join(this.dir, 'ns')]).catch(() => undefined);
  }
}
