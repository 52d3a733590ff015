// The bridged monitoring lab shared by the monitors lab suite and the GUI's monitors e2e test: hosts in
// namespaces behind a bridge with MLD snooping and a querier, the real server reached over the lab's
// management veth, a real agent per host (enrolled and online), and a beacon drop on one bridge port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until as poll } from '../../server/test/support/until.ts';
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

/**
 * Drops the beacons of `group`/`udpPort` that the bridge forwards out of the port towards `host`
 * (nftables, bridge family); returns the undo.
 */
export async function dropOnBridgePort(
  lab: NetnsLab,
  host: string,
  group: string,
  udpPort: number,
): Promise<() => Promise<void>> {
  const table = `nsmon${host}`;
  const rules = `table bridge ${table} {
  chain forward {
    type filter hook forward priority 0; policy accept;
    oifname "p-${host}" ip6 daddr ${group} udp dport ${udpPort} drop
  }
}
`;
  const nft = lab.spawn('sw', 'nft', ['-f', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  nft.stdin!.end(rules);
  const code = await new Promise((r) => nft.once('exit', r));
  if (code !== 0) throw new Error(`nft exited ${String(code)}`);
  return async () => void (await lab.exec('sw', 'nft', ['delete', 'table', 'bridge', table]));
}
