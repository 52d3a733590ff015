// A namespace lab: hosts on veths behind a Linux bridge with MLD snooping and a querier (see
// ../shared/lab-recipe.md), optionally a management veth so processes in the root namespace (a
// server under test) reach the lab. Every name carries a unique tag, so labs never clash; down()
// removes everything by name, and create() tears down what it built when a step fails.
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LabHost {
  /** Short name used in tests (h1, h2…). */
  name: string;
  /** Namespace name. */
  ns: string;
  ifname: 'eth0';
  address: string;
  mac: string;
}

export interface LabOptions {
  hosts: string[];
  /** Add a management veth in the root namespace at `<prefix>::100` (for a server under test). */
  management?: boolean;
}

export class NetnsLab {
  readonly tag = randomBytes(3).toString('hex');
  /** A /64 of 2001:db8::/32 unique to this lab: 2001:db8:<16 random bits>::/64. */
  readonly prefix = `2001:db8:${randomBytes(2).readUInt16BE(0).toString(16)}:`;
  readonly sw = `nsl${this.tag}-sw`;
  readonly hosts: LabHost[];
  readonly mgmtIf = `nsl${this.tag}m`;
  readonly mgmtAddress = `${this.prefix}:100`;
  readonly #children = new Set<ChildProcess>();
  #created: string[] = [];

  private constructor(private readonly opts: LabOptions) {
    this.hosts = opts.hosts.map((name, i) => ({
      name,
      ns: `nsl${this.tag}-${name}`,
      ifname: 'eth0',
      address: `${this.prefix}:${(i + 1).toString(16)}1`,
      mac: `02:00:5e:${this.tag.slice(0, 2)}:${this.tag.slice(2, 4)}:${(i + 1).toString(16).padStart(2, '0')}`,
    }));
  }

  static async create(opts: LabOptions): Promise<NetnsLab> {
    const lab = new NetnsLab(opts);
    try {
      await lab.#build();
    } catch (err) {
      await lab.down();
      throw err;
    }
    return lab;
  }

  host(name: string): LabHost {
    const h = this.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no lab host ${name}`);
    return h;
  }

  async #ip(...args: string[]) {
    await run('ip', args);
  }

  async #addNs(ns: string) {
    await this.#ip('netns', 'add', ns);
    this.#created.push(ns);
    // No DAD: addresses are usable at once and MLD reports leave without the DAD delay.
    await run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    await this.#ip('-n', ns, 'link', 'set', 'lo', 'up');
  }

  async #build() {
    await this.#addNs(this.sw);
    // Snooping with MLDv2 (S,G) tracking and a querier: without a querier the bridge floods (lab-recipe G1, G2).
    await this.#ip('-n', this.sw, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '1', 'mcast_mld_version', '2', 'mcast_querier', '1');
    await this.#ip('-n', this.sw, 'link', 'set', 'br0', 'up');
    for (const h of this.hosts) {
      await this.#addNs(h.ns);
      const port = `p-${h.name}`;
      await this.#ip('-n', h.ns, 'link', 'add', 'eth0', 'address', h.mac, 'type', 'veth', 'peer', 'name', port, 'netns', this.sw);
      await this.#ip('-n', this.sw, 'link', 'set', port, 'master', 'br0');
      await this.#ip('-n', this.sw, 'link', 'set', port, 'up');
      await this.#ip('-n', h.ns, 'addr', 'add', `${h.address}/64`, 'dev', 'eth0', 'nodad');
      await this.#ip('-n', h.ns, 'link', 'set', 'eth0', 'up');
    }
    if (this.opts.management) {
      // The root-namespace end goes away with the switch namespace (deleting one end deletes the pair).
      await this.#ip('link', 'add', this.mgmtIf, 'type', 'veth', 'peer', 'name', 'p-mgmt', 'netns', this.sw);
      await this.#ip('-n', this.sw, 'link', 'set', 'p-mgmt', 'master', 'br0');
      await this.#ip('-n', this.sw, 'link', 'set', 'p-mgmt', 'up');
      await this.#ip('addr', 'add', `${this.mgmtAddress}/64`, 'dev', this.mgmtIf, 'nodad');
      await this.#ip('link', 'set', this.mgmtIf, 'up');
    }
  }

  /** Runs a command in a host's namespace and returns its stdout. */
  async exec(host: string, cmd: string, args: string[]): Promise<string> {
    const { stdout } = await run('ip', ['netns', 'exec', this.host(host).ns, cmd, ...args]);
    return stdout;
  }

  /** Starts a process in a namespace (the switch: `sw`); it is killed by down() if still running. */
  spawn(where: string, cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
    const ns = where === 'sw' ? this.sw : this.host(where).ns;
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /** The bridge's multicast database (JSON). */
  async mdb(): Promise<unknown> {
    const { stdout } = await run('ip', ['netns', 'exec', this.sw, 'bridge', '-j', '-d', 'mdb', 'show']);
    return JSON.parse(stdout || '[]');
  }

  /** Kills what the lab started (by PID), then deletes every namespace it made. Safe to call twice. */
  async down(): Promise<void> {
    const exits = [...this.#children].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r))));
    for (const c of this.#children) c.kill('SIGKILL');
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 3000))]);
    for (const ns of this.#created.reverse()) {
      // ip netns del does not kill processes inside (lab-recipe G11): kill what is left, by PID.
      const pids = await run('ip', ['netns', 'pids', ns]).then((r) => r.stdout.split(/\s+/).filter(Boolean), () => []);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
    }
    this.#created = [];
  }
}
