// A namespace lab: hosts on veths behind a Linux bridge with MLD snooping and a querier (see
// ../shared/lab-recipe.md), optionally hosts routed behind one of them (own /64 over a point-to-point
// veth) and a management veth so processes in the root namespace (a server under test) reach the lab. Every name carries a unique tag, so labs never clash; down()
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

/** A point-to-point /64 between a router (a bridge host) and a host routed behind it. */
export interface RoutedLink {
  router: string;
  /** The router's interface towards the host (eth1, eth2…). */
  routerIf: string;
  routerAddress: string;
  host: string;
  /** The link's /64, as `2001:db8:x:n::/64`. */
  subnet: string;
}

export interface LabOptions {
  hosts: string[];
  /** Add a management veth in the root namespace at `<prefix>::100` (for a server under test). */
  management?: boolean;
  /** Hosts behind a bridge host that forwards IPv6 for them; its bridge port becomes a permanent mrouter port. */
  routed?: { name: string; router: string }[];
  /** Give the switch itself an address on br0 (`<prefix>::2`), e.g. for an agent on it. */
  switchAddress?: boolean;
  /**
   * Hosts on a second snooping bridge `sw2` behind the first (a veth between sw's port p-sw2 and sw2's
   * port p-sw; sw's querier serves both). sw2 has the address `<prefix>::3` on its br0. With `management`,
   * each of these hosts also reaches the management address over a veth of its own (`mgmt0`, a /64 per host),
   * so that a fault between the bridges does not cut its agent off from the server.
   */
  secondBridge?: string[];
  /**
   * Make br0 VLAN-aware (vlan_filtering 1, which needs CONFIG_BRIDGE_VLAN_FILTERING) and set each named
   * host's port: an access port in one VLAN, or a trunk with tagged VLANs and perhaps a native one. Other
   * ports, and br0 itself, stay in VLAN 1 untagged.
   */
  vlans?: Record<string, { access?: number; native?: number; tagged?: number[] }>;
}

export class NetnsLab {
  readonly tag = randomBytes(3).toString('hex');
  /** A /64 of 2001:db8::/32 unique to this lab: 2001:db8:<16 random bits>::/64. */
  readonly prefix = `2001:db8:${randomBytes(2).readUInt16BE(0).toString(16)}:`;
  readonly sw = `nsl${this.tag}-sw`;
  readonly hosts: LabHost[];
  readonly mgmtIf = `nsl${this.tag}m`;
  readonly mgmtAddress = `${this.prefix}:100`;
  readonly swAddress = `${this.prefix}:2`;
  readonly sw2 = `nsl${this.tag}-sw2`;
  readonly sw2Address = `${this.prefix}:3`;
  readonly routedLinks: RoutedLink[] = [];
  readonly #children = new Set<ChildProcess>();
  #created: string[] = [];

  private constructor(private readonly opts: LabOptions) {
    const host = (name: string, i: number, prefix: string): LabHost => ({
      name,
      ns: `nsl${this.tag}-${name}`,
      ifname: 'eth0',
      address: `${prefix}:${(i + 1).toString(16)}1`,
      mac: `02:00:5e:${this.tag.slice(0, 2)}:${this.tag.slice(2, 4)}:${(i + 1).toString(16).padStart(2, '0')}`,
    });
    this.hosts = opts.hosts.map((name, i) => host(name, i, this.prefix));
    (opts.routed ?? []).forEach((r, k) => {
      // Routed host k sits in 2001:db8:<lab>:<k+1>::/64; the router is ::1 there.
      const prefix = `${this.prefix}${k + 1}:`;
      this.hosts.push(host(r.name, opts.hosts.length + k, prefix));
      const routerIf = `eth${this.routedLinks.filter((l) => l.router === r.router).length + 1}`;
      this.routedLinks.push({
        router: r.router,
        routerIf,
        routerAddress: `${prefix}:1`,
        host: r.name,
        subnet: `${prefix}:/64`,
      });
    });
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
    await run('ip', [
      'netns',
      'exec',
      ns,
      'sysctl',
      '-qw',
      'net.ipv6.conf.all.accept_dad=0',
      'net.ipv6.conf.default.accept_dad=0',
    ]);
    await this.#ip('-n', ns, 'link', 'set', 'lo', 'up');
  }

  /** A namespace `ns` with a bridge br0, up, snooping MLDv2 with (S,G) tracking; with a querier of its own or not. */
  async #addBridge(ns: string, querier: boolean) {
    await this.#addNs(ns);
    const snooping = [
      'mcast_snooping',
      '1',
      'mcast_mld_version',
      '2',
      ...(querier ? ['mcast_querier', '1'] : []),
    ];
    await this.#ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge', ...snooping);
    await this.#ip('-n', ns, 'link', 'set', 'br0', 'up');
  }

  /** Makes the link `port` in the namespace `ns` a port of its bridge br0, up. */
  async #bridgePort(ns: string, port: string) {
    await this.#ip('-n', ns, 'link', 'set', port, 'master', 'br0');
    await this.#ip('-n', ns, 'link', 'set', port, 'up');
  }

  /** The host's namespace, its eth0 a veth whose peer `peer` lies in the namespace `peerNs`. */
  async #addHost(h: LabHost, peer: string, peerNs: string) {
    await this.#addNs(h.ns);
    await this.#ip(
      '-n',
      h.ns,
      'link',
      'add',
      'eth0',
      'address',
      h.mac,
      'type',
      'veth',
      'peer',
      'name',
      peer,
      'netns',
      peerNs,
    );
  }

  async #build() {
    // Without a querier the bridge floods all multicast.
    await this.#addBridge(this.sw, true);
    if (this.opts.secondBridge) await this.#secondBridge();
    for (const h of this.#bridged()) {
      const bridge = this.opts.secondBridge?.includes(h.name) ? this.sw2 : this.sw;
      const port = `p-${h.name}`;
      await this.#addHost(h, port, bridge);
      await this.#bridgePort(bridge, port);
      await this.#ip('-n', h.ns, 'addr', 'add', `${h.address}/64`, 'dev', 'eth0', 'nodad');
      await this.#ip('-n', h.ns, 'link', 'set', 'eth0', 'up');
    }
    if (this.opts.vlans) await this.#vlans(this.opts.vlans);
    if (this.opts.switchAddress)
      await this.#ip('-n', this.sw, 'addr', 'add', `${this.swAddress}/64`, 'dev', 'br0', 'nodad');
    for (const l of this.routedLinks) await this.#route(l);
    if (this.opts.management) {
      // The root-namespace end goes away with the switch namespace (deleting one end deletes the pair).
      await this.#ip('link', 'add', this.mgmtIf, 'type', 'veth', 'peer', 'name', 'p-mgmt', 'netns', this.sw);
      await this.#bridgePort(this.sw, 'p-mgmt');
      await this.#ip('addr', 'add', `${this.mgmtAddress}/64`, 'dev', this.mgmtIf, 'nodad');
      await this.#ip('link', 'set', this.mgmtIf, 'up');
    }
    if (this.opts.management)
      for (const [k, name] of (this.opts.secondBridge ?? []).entries()) await this.#directManagement(name, k);
  }

  async #secondBridge() {
    // No querier of its own: sw's queries come in on p-sw, which makes it sw2's router port.
    await this.#addBridge(this.sw2, false);
    await this.#ip(
      '-n',
      this.sw,
      'link',
      'add',
      'p-sw2',
      'type',
      'veth',
      'peer',
      'name',
      'p-sw',
      'netns',
      this.sw2,
    );
    await this.#bridgePort(this.sw, 'p-sw2');
    await this.#bridgePort(this.sw2, 'p-sw');
    await this.#ip('-n', this.sw2, 'addr', 'add', `${this.sw2Address}/64`, 'dev', 'br0', 'nodad');
  }

  /** A host's own veth to the root namespace, in `<prefix>f<k>::/64`, carrying its traffic to the management address. */
  async #directManagement(name: string, k: number) {
    const h = this.host(name);
    const rootIf = `${this.mgmtIf}${k}`;
    const net = `${this.prefix}f${k}:`;
    await this.#ip('link', 'add', rootIf, 'type', 'veth', 'peer', 'name', 'mgmt0', 'netns', h.ns);
    await this.#ip('addr', 'add', `${net}:1/64`, 'dev', rootIf, 'nodad');
    await this.#ip('-n', h.ns, 'addr', 'add', `${net}:2/64`, 'dev', 'mgmt0', 'nodad');
    await this.#ip('link', 'set', rootIf, 'up');
    await this.#ip('-n', h.ns, 'link', 'set', 'mgmt0', 'up');
    await this.#ip(
      '-n',
      h.ns,
      '-6',
      'route',
      'add',
      `${this.mgmtAddress}/128`,
      'via',
      `${net}:1`,
      'dev',
      'mgmt0',
    );
  }

  async #vlans(ports: NonNullable<LabOptions['vlans']>) {
    const bridge = (...args: string[]) => run('ip', ['netns', 'exec', this.sw, 'bridge', 'vlan', ...args]);
    await this.#ip('-n', this.sw, 'link', 'set', 'br0', 'type', 'bridge', 'vlan_filtering', '1');
    for (const [host, v] of Object.entries(ports)) {
      const dev = `p-${host}`;
      const untagged = v.access ?? v.native;
      // A new port joins VLAN 1 untagged (the bridge's default PVID): moved to its own VLAN, or kept.
      if (untagged !== 1) await bridge('del', 'dev', dev, 'vid', '1');
      if (untagged !== undefined)
        await bridge('add', 'dev', dev, 'vid', String(untagged), 'pvid', 'untagged');
      for (const vid of v.tagged ?? []) await bridge('add', 'dev', dev, 'vid', String(vid));
    }
  }

  /** Hosts with a port on the bridge (not the routed ones). */
  #bridged(): LabHost[] {
    return this.hosts.filter((h) => this.opts.hosts.includes(h.name));
  }

  async #route(l: RoutedLink) {
    const h = this.host(l.host);
    const r = this.host(l.router);
    await this.#addHost(h, l.routerIf, r.ns);
    await this.#ip('-n', r.ns, 'addr', 'add', `${l.routerAddress}/64`, 'dev', l.routerIf, 'nodad');
    await this.#ip('-n', h.ns, 'addr', 'add', `${h.address}/64`, 'dev', 'eth0', 'nodad');
    await this.#ip('-n', r.ns, 'link', 'set', l.routerIf, 'up');
    await this.#ip('-n', h.ns, 'link', 'set', 'eth0', 'up');
    await this.#ip('-n', h.ns, '-6', 'route', 'add', 'default', 'via', l.routerAddress);
    await run('ip', ['netns', 'exec', r.ns, 'sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1']);
    // Everything else on the bridge reaches the routed /64 through the router.
    const others = this.#bridged()
      .filter((x) => x.name !== l.router)
      .map((x) => x.ns);
    if (this.opts.switchAddress) others.push(this.sw);
    for (const ns of others) await this.#ip('-n', ns, '-6', 'route', 'add', l.subnet, 'via', r.address);
    // A static multicast router sends no queries the bridge could detect it by (lab-recipe G3).
    await this.#ip(
      '-n',
      this.sw,
      'link',
      'set',
      `p-${l.router}`,
      'type',
      'bridge_slave',
      'mcast_router',
      '2',
    );
  }

  /** A host's namespace, or the switch's for `sw` (`sw2`: the second bridge's). */
  nsOf(where: string): string {
    if (where === 'sw') return this.sw;
    return where === 'sw2' && this.opts.secondBridge ? this.sw2 : this.host(where).ns;
  }

  /** Runs a command in a host's namespace (the switches: `sw`, `sw2`) and returns its stdout. */
  async exec(where: string, cmd: string, args: string[]): Promise<string> {
    const { stdout } = await run('ip', ['netns', 'exec', this.nsOf(where), cmd, ...args]);
    return stdout;
  }

  /** Starts a process in a namespace (the switch: `sw`); it is killed by down() if still running. */
  spawn(where: string, cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.nsOf(where), cmd, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...opts,
    });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /** Loads an nftables ruleset into a namespace (the switches: `sw`, `sw2`). */
  async nft(where: string, rules: string): Promise<void> {
    const nft = this.spawn(where, 'nft', ['-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    nft.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    nft.stdin!.end(rules);
    const code = await new Promise((r) => nft.once('exit', r));
    if (code !== 0) throw new Error(`nft in ${where} exited ${String(code)}: ${err}`);
  }

  /** The bridge's multicast database (JSON). */
  async mdb(): Promise<unknown> {
    const { stdout } = await run('ip', ['netns', 'exec', this.sw, 'bridge', '-j', '-d', 'mdb', 'show']);
    return JSON.parse(stdout || '[]');
  }

  /** Kills what the lab started (by PID), then deletes every namespace it made. Safe to call twice. */
  async down(): Promise<void> {
    const exits = [...this.#children].map(
      (c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r))),
    );
    for (const c of this.#children) c.kill('SIGKILL');
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 3000))]);
    for (const ns of this.#created.reverse()) {
      // ip netns del does not kill processes inside (lab-recipe G11): kill what is left, by PID.
      const pids = await run('ip', ['netns', 'pids', ns]).then(
        (r) => r.stdout.split(/\s+/).filter(Boolean),
        () => [],
      );
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
