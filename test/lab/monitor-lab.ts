// The bridged monitoring lab shared by the monitors lab suite and the GUI's monitors e2e test: hosts in
// namespaces behind a bridge with MLD snooping and a querier, the real server reached over the lab's
// management veth, a real agent per host (enrolled and online), and a beacon drop on one bridge port.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { until as poll } from '../../server/test/support/until.ts';
import { startSmcroute } from './lab-daemons.ts';
import { NetnsLab, type LabOptions } from './netns-lab.ts';
import { LabServer, startAgent, type LabAgent } from './netspotter-processes.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls every 200 ms: the lab's agents and server share two busy cores with the test. */
export const until = <T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms: number, every = 200) =>
  poll(fn, ok, ms, every);

export interface MonitorLab {
  lab: NetnsLab;
  server: LabServer;
  /** The server's address as the agents reach it (over the management veth). */
  url: string;
  /** The temporary folder of the server's and agents' state. */
  dir: string;
  /** Agents by host (h1…), named `lab-<host>`. */
  agents: Map<string, LabAgent>;
  /** Starts (or restarts, from its state folder when `token` is absent) the agent of a host. */
  startAgent(host: string, token?: string): LabAgent;
  /** The last lines of every agent's log. */
  logs(): string;
  /** Stops the server and agents and removes the lab and its folder. */
  down(): Promise<void>;
}

export interface MonitorLabOptions {
  /** More of the lab: hosts routed behind a router host, say. */
  create?: Omit<LabOptions, 'hosts' | 'management'>;
  /** The hosts that run an agent (default: all hosts). */
  agentHosts?: string[];
  /** Further agent settings by host (its packet engine, say). */
  agentSettings?: Record<string, object>;
  /** Settings of the server (NETSPOTTER_…). */
  serverEnv?: Record<string, string>;
  /** Runs once the lab and its folder exist, before the server starts (a router's daemons, say). */
  prepare?(lab: NetnsLab, dir: string): Promise<void>;
}

/**
 * Builds the lab, starts the server and one agent per host, and returns once all are online and the
 * querier has run a query cycle (until then the bridge floods all multicast).
 */
export async function startMonitorLab(
  hosts: string[],
  policy: object,
  opts: MonitorLabOptions = {},
): Promise<MonitorLab> {
  const built = Date.now();
  const lab = await NetnsLab.create({ hosts, management: true, ...opts.create });
  const dir = mkdtempSync(join(tmpdir(), 'ns-mon-'));
  const port = 20_000 + Math.floor(Math.random() * 30_000);
  const server = new LabServer(join(dir, 'server'), port, opts.serverEnv);
  const agentHosts = opts.agentHosts ?? hosts;
  const agents = new Map<string, LabAgent>();
  const url = `https://[${lab.mgmtAddress}]:${port}`;
  const me: MonitorLab = {
    lab,
    server,
    url,
    dir,
    agents,
    startAgent(host, token) {
      const a = startAgent(lab, dir, host, url, token, policy, host, opts.agentSettings?.[host]);
      agents.set(host, a);
      return a;
    },
    logs: () => [...agents.values()].map((a) => a.lines.slice(-30).join('\n')).join('\n'),
    async down() {
      await server.kill();
      await lab.down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await opts.prepare?.(lab, dir);
    await server.start();
    for (const h of agentHosts) me.startAgent(h, await server.newToken(h));
    const online = await until(
      async () => (await server.api<{ state: string }[]>('GET', '/api/agents')).body,
      (a) => a.filter((x) => x.state === 'online').length === agentHosts.length,
      60_000,
    );
    if (online.filter((x) => x.state === 'online').length !== agentHosts.length)
      throw new Error(`agents not online:\n${me.logs()}`);
    await sleep(Math.max(0, built + 12_000 - Date.now()));
    return me;
  } catch (err) {
    await me.down();
    throw err;
  }
}

/** A static (S,G) route of a lab router: from interface `iif` to `oif`. */
export interface StaticRoute {
  iif: string;
  source: string;
  oif: string;
}

/** smcroutectl of a router started by startLabRouter: `add`/`remove` change its routes. */
export type Smcroutectl = (...args: string[]) => Promise<string>;

/**
 * smcroute on the router of the lab's first routed link, with static (S,G) routes of `group` (a (*,G)
 * rule's kernel routes are flushed every 60 s), its files under `dir`; and the root namespace's route to the
 * routed /64 through the router, so that the server answers the routed host's agent (it goes with the
 * lab's management veth). Resolves once smcroute holds the routes.
 */
export async function startLabRouter(
  lab: NetnsLab,
  dir: string,
  group: string,
  routes: StaticRoute[],
): Promise<Smcroutectl> {
  const link = lab.routedLinks[0]!;
  const router = lab.host(link.router);
  await promisify(execFile)('ip', [
    '-6',
    'route',
    'add',
    link.subnet,
    'via',
    router.address,
    'dev',
    lab.mgmtIf,
  ]);
  const smcDir = join(dir, 'smcroute');
  mkdirSync(smcDir);
  const smcroutectl: Smcroutectl = (...args) =>
    lab.exec(link.router, 'smcroutectl', ['-u', join(smcDir, 'smcroute.sock'), ...args]);
  startSmcroute(lab, link.router, { dir: smcDir, agentx: '', lldpctl: '' }, [
    'phyint eth0 enable',
    `phyint ${link.routerIf} enable`,
    ...routes.map((r) => `mroute from ${r.iif} source ${r.source} group ${group} to ${r.oif}`),
  ]);
  const held = await until(
    () => smcroutectl('show', 'routes').catch(() => ''),
    (out) => out.includes(group),
    10_000,
  );
  if (!held.includes(group)) throw new Error(`smcroute on ${link.router} holds no route of ${group}`);
  return smcroutectl;
}

/**
 * Drops the beacons of `group`/`udpPort` that the bridge (`sw`, or `sw2`) forwards out of the port towards
 * `host` (nftables, bridge family); returns the undo.
 */
export async function dropOnBridgePort(
  lab: NetnsLab,
  host: string,
  group: string,
  udpPort: number,
  bridge = 'sw',
): Promise<() => Promise<void>> {
  const table = `nsmon${host}`;
  const rules = `table bridge ${table} {
  chain forward {
    type filter hook forward priority 0; policy accept;
    oifname "p-${host}" ip6 daddr ${group} udp dport ${udpPort} drop
  }
}
`;
  await lab.nft(bridge, rules);
  return async () => void (await lab.exec(bridge, 'nft', ['delete', 'table', 'bridge', table]));
}

/**
 * Removes the bridge's snooping entries of `group` for the port towards `host` (`bridge mdb del`), and
 * blocks that port's MLD reports so the querier's next query cannot restore them; returns the undo, which
 * lets reports in again and has the querier query at once (switched off and on) to re-learn the entry.
 */
export async function flushSnoopingEntry(
  lab: NetnsLab,
  bridge: string,
  host: string,
  group: string,
): Promise<() => Promise<void>> {
  const port = `p-${host}`;
  const table = `nsmld${host}`;
  const rules = `table bridge ${table} {
  chain prerouting {
    type filter hook prerouting priority -200; policy accept;
    iifname "${port}" icmpv6 type { mld-listener-report, mld2-listener-report } drop
  }
}
`;
  await lab.nft(bridge, rules);
  const mdb = JSON.parse(await lab.exec(bridge, 'bridge', ['-j', 'mdb', 'show'])) as {
    mdb?: { port: string; grp: string; src?: string }[];
  }[];
  // Source entries first: deleting the group entry may take them along.
  const entries = mdb
    .flatMap((b) => b.mdb ?? [])
    .filter((e) => e.port === port && e.grp === group)
    .sort((a, b) => Number(b.src !== undefined) - Number(a.src !== undefined));
  if (!entries.length) throw new Error(`no snooping entry of ${group} on ${port}`);
  for (const e of entries)
    await lab
      .exec(bridge, 'bridge', [
        'mdb',
        'del',
        'dev',
        'br0',
        'port',
        port,
        'grp',
        group,
        ...(e.src ? ['src', e.src] : []),
      ])
      .catch(() => undefined);
  const left = await lab.exec(bridge, 'bridge', ['mdb', 'show']);
  if (left.includes(`port ${port} grp ${group}`))
    throw new Error(`snooping entry of ${group} on ${port} stayed:\n${left}`);
  return async () => {
    await lab.exec(bridge, 'nft', ['delete', 'table', 'bridge', table]);
    await queryNow(lab);
  };
}

/**
 * Takes a bridge's port down (the link to a host, or between two bridges); returns the undo, which brings
 * it up and has the querier query at once: the bridges forgot the entries and router port learnt on it.
 */
export async function linkDown(lab: NetnsLab, bridge: string, port: string): Promise<() => Promise<void>> {
  await lab.exec(bridge, 'ip', ['link', 'set', port, 'down']);
  return async () => {
    await lab.exec(bridge, 'ip', ['link', 'set', port, 'up']);
    await queryNow(lab);
  };
}

/** Has sw's querier send a general query now (switched off and on). */
async function queryNow(lab: NetnsLab) {
  const querier = (on: string) =>
    lab.exec('sw', 'ip', ['link', 'set', 'br0', 'type', 'bridge', 'mcast_querier', on]);
  await querier('0');
  await querier('1');
}
