// What the localisation labs (bridged and routed) share: snmpd + lldpd on the polled nodes (multicast
// state and per-port counters through the project's pass_persist backend), discovery of them by the lab
// server, alert channels at a webhook receiver and a syslog listener the test starts, and the whole chain
// of one injected fault: receiver expected but not served, alerted at both, its incident localised to the
// right point, and cleared at both after the repair.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { discoverWith } from '../../server/test/discovery/support/api-discovery.ts';
import { startSyslogListener, startWebhookReceiver } from '../../server/test/support/alert-receivers.ts';
import type { Alert, Incident } from '../../shared/src/api/alerts.ts';
import {
  countPortMulticast,
  IF_COUNTER_SUBTREES,
  MCAST_SUBTREES,
  snmpWalk,
  startLldpd,
  startSnmpd,
  type NodeDaemons,
} from './lab-daemons.ts';
import { startMonitorLab, until, type MonitorLab, type MonitorLabOptions } from './monitor-lab.ts';
import type { NetnsLab } from './netns-lab.ts';

const LLDP_REM_SYS_NAME = '1.0.8802.1.1.2.1.4.1.1.9';
/** Localisation polls every second here (30 s by default), so a flat point shows within seconds. */
const LOCALISATION_PERIOD_MS = 1000;

export interface Tree {
  trees: { listenerPorts: { ifName?: string }[]; edges: { from: { ifName?: string } }[] }[];
  receivers: {
    name: string;
    state: string;
    served: boolean;
    placed?: { ifName?: string; evidence: string };
  }[];
  differences: { kind: string; ifName?: string; receiver?: string; message: string }[];
}

export interface LabNodes {
  /** Nodes whose multicast state (MGMD, IPMCAST) the backend serves and whose ports count multicast. */
  multicast: string[];
  /** Nodes discovered and polled (IF-MIB counters served by the backend). */
  polled: string[];
  /** Every node: each runs snmpd and lldpd. */
  all: string[];
}

/** The node's address as the lab server reaches it. */
export const nodeAddress = (lab: NetnsLab, n: string) =>
  n === 'sw' ? lab.swAddress : n === 'sw2' ? lab.sw2Address : lab.host(n).address;

/** snmpd (and the backend) and lldpd on every node, multicast counted on the multicast nodes' ports. */
export async function startNodeDaemons(
  lab: NetnsLab,
  dir: string,
  nodes: LabNodes,
): Promise<Map<string, NodeDaemons>> {
  const snmp = join(dir, 'snmp');
  mkdirSync(snmp);
  // lldpd runs its lldpcli unprivileged: it must reach the control socket in here.
  chmodSync(dir, 0o755);
  chmodSync(snmp, 0o755);
  const daemons = new Map<string, NodeDaemons>();
  for (const n of nodes.all) {
    const subtrees = [
      ...(nodes.multicast.includes(n) ? MCAST_SUBTREES : []),
      ...(nodes.polled.includes(n) ? IF_COUNTER_SUBTREES : []),
    ];
    daemons.set(n, await startSnmpd(lab, n, snmp, subtrees));
  }
  for (const n of nodes.multicast) await countPortMulticast(lab, n);
  for (const n of nodes.all) startLldpd(lab, n, daemons.get(n)!);
  return daemons;
}

/**
 * The monitoring lab of a localisation suite: agents on eth0 beaconing at up to 50 pps, the server localising
 * every second, and snmpd and lldpd on `nodes`, started after `opts.prepare` (a router's daemons, say).
 */
export function startLocalisationLab(
  hosts: string[],
  nodes: LabNodes,
  opts: MonitorLabOptions,
): Promise<MonitorLab> {
  return startMonitorLab(
    hosts,
    { interfaces: ['eth0'], maxBeaconPps: 50 },
    {
      ...opts,
      serverEnv: { NETSPOTTER_LOCALISATION_PERIOD_MS: String(LOCALISATION_PERIOD_MS) },
      prepare: async (lab, dir) => {
        await opts.prepare?.(lab, dir);
        await startNodeDaemons(lab, dir, nodes);
      },
    },
  );
}

/** A monitor of the SSM `group` sourced by h1's agent (the sender), every other agent of `hosts` receiving. */
export async function createSsmMonitor(
  ml: MonitorLab,
  monitor: { name: string; hosts: string[]; group: string; port: number; intervalSeconds: number },
): Promise<void> {
  const created = await ml.server.api<{ id: string }>('POST', '/api/monitors', {
    name: monitor.name,
    participants: monitor.hosts.map((h) => ({
      agent: `lab-${h}`,
      interface: 'eth0',
      role: h === 'h1' ? 'sender' : 'receiver',
    })),
    groups: [{ mode: 'ssm', group: monitor.group, port: monitor.port, source: '$lab-h1' }],
    beaconPps: 5,
    intervalSeconds: monitor.intervalSeconds,
  });
  if (created.status !== 201) throw new Error(`monitor: ${JSON.stringify(created.body)}`);
}

/** The tree of the SSM flow (`source`, `group`) as /api/multicast/tree shows it. */
export async function ssmTree(ml: MonitorLab, group: string, source: string): Promise<Tree> {
  return (await ml.server.api<Tree>('GET', `/api/multicast/tree?group=${group}&source=${source}`)).body;
}

/**
 * Waits until LLDP names `neighbours` (count per node) and every polled backend answers, then has the lab
 * server discover the polled nodes.
 */
export async function discoverNodes(
  ml: MonitorLab,
  nodes: LabNodes,
  neighbours: Record<string, number>,
): Promise<void> {
  const { lab } = ml;
  const walk = (n: string, oid: string) => snmpWalk(lab, 'sw', nodeAddress(lab, n), oid);
  const names = (out: string) => out.split('\n').filter((l) => l.includes('STRING'));
  for (const [n, count] of Object.entries(neighbours)) {
    const heard = await until(
      () => walk(n, LLDP_REM_SYS_NAME).catch((e: Error) => e.message),
      (out) => names(out).length === count,
      30_000,
    );
    expect(names(heard), `LLDP neighbours of ${n}`).toHaveLength(count);
  }
  // snmpd starts the pass_persist backend on its first request: not under discovery's timeouts.
  for (const n of nodes.polled)
    for (const oid of [...(nodes.multicast.includes(n) ? MCAST_SUBTREES : []), ...IF_COUNTER_SUBTREES])
      await walk(n, oid);
  await discoverWith(
    (method, url, payload) => ml.server.api(method, url, payload),
    161,
    nodes.polled.map((n) => [nodeAddress(lab, n), 'public']),
    90_000,
  );
}

/** The transitions of a receiver's cell alerts, as each notified party got them. */
export type Notices = (host: string) => { hook: string[]; syslog: string[] };

/**
 * A webhook receiver and a syslog listener, with channels to them and a rule sending them lost cells;
 * returns what each got per host, and their closers.
 */
export async function alertNotices(
  ml: MonitorLab,
): Promise<{ notices: Notices; close: () => Promise<void> }> {
  const hook = await startWebhookReceiver();
  const syslog = await startSyslogListener();
  const channelIds: string[] = [];
  for (const body of [
    { name: 'lab-hook', kind: 'webhook', webhook: { url: hook.url, secret: 'lab-hook-secret' } },
    { name: 'lab-syslog', kind: 'syslog', syslog: { host: '127.0.0.1', port: syslog.udpPort } },
  ]) {
    const r = await ml.server.api<{ id: string }>('POST', '/api/alert-channels', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    channelIds.push(r.body.id);
  }
  const rule = await ml.server.api('POST', '/api/alert-rules', {
    name: 'lab lost',
    kinds: ['cell-state'],
    states: ['lost'],
    severity: 'critical',
    channelIds,
  });
  expect(rule.status, JSON.stringify(rule.body)).toBe(201);
  return {
    notices: (host) => ({
      hook: hook.calls
        .map((c) => JSON.parse(c.body) as { type: string; alert: { summary: string } })
        .filter((n) => n.alert.summary.includes(`lab-${host}`))
        .map((n) => n.type),
      syslog: syslog.udp.filter((l) => l.includes(`lab-${host}`)).map((l) => /ALERT-(\w+)/.exec(l)![1]!),
    }),
    close: async () => {
      await hook.close();
      await syslog.close();
    },
  };
}

export interface Suspected {
  node: string;
  interface: string;
  point: 'in' | 'out';
  confidence: number;
  upstreamPoint: RegExp;
  /** How the suspect point's stop reads (default: it did not rise for some intervals). */
  stopped?: RegExp;
  /** Evidence besides the rising and the stopped point. */
  evidence?: RegExp;
}

export interface FaultCase {
  ml: MonitorLab;
  notices: Notices;
  /** The monitored flow's tree (/api/multicast/tree). */
  tree: () => Promise<Tree>;
  host: string;
  /** The port the receiver is placed on (default: its bridge port p-<host>). */
  port?: string;
  /** Injects the fault; returns its repair. */
  inject: () => Promise<() => Promise<void>>;
  suspect: Suspected;
}

const receiverOf = (t: Tree, host: string) => t.receivers.find((r) => r.name === `lab-${host}`);

/** Each receiver of a tree as [name, served, the port it is placed on], sorted. */
export const receiversPlaced = (t: Tree) =>
  t.receivers.map((r) => [r.name, r.served, r.placed?.ifName]).sort();

/** The id the newest snapshot gives a discovered node (by its label, the sysName). */
async function deviceId(ml: MonitorLab, label: string) {
  const layer = (
    await ml.server.api<{ nodes: { id: string; label: string }[] }>('GET', '/api/topology?layer=l2')
  ).body;
  return layer.nodes.find((n) => n.label === label)?.id;
}

/**
 * Injects a fault cutting `host` off, and checks the whole chain: the host expected but not served at its
 * port, one alert at both notified parties, its incident localised to `suspect`, and after the repair the
 * host served again and the alert resolved at both.
 */
export async function faultLocalised(c: FaultCase): Promise<void> {
  const { ml, host, suspect } = c;
  const api = <T>(url: string) => ml.server.api<T>('GET', url).then((r) => r.body);
  const before = c.notices(host);
  const since = (n: { hook: string[]; syslog: string[] }) => ({
    hook: n.hook.slice(before.hook.length),
    syslog: n.syslog.slice(before.syslog.length),
  });
  let undo: (() => Promise<void>) | undefined = await c.inject();
  try {
    const broken = await until(
      c.tree,
      (x) => x.differences.length > 0 && receiverOf(x, host)?.state === 'lost',
      30_000,
    );
    expect(receiverOf(broken, host)).toMatchObject({ served: false, state: 'lost' });
    expect(broken.differences).toEqual([
      expect.objectContaining({
        kind: 'expected-not-served',
        receiver: `lab-${host}`,
        ifName: c.port ?? `p-${host}`,
      }),
    ]);
    const fired = await until(
      async () => since(c.notices(host)),
      (r) => r.hook.length > 0 && r.syslog.length > 0,
      15_000,
    );
    expect(fired).toEqual({ hook: ['alert.fired'], syslog: ['FIRING'] });

    const firing = (await api<Alert[]>('/api/alerts')).filter((a) => a.state === 'firing');
    expect(firing.map((a) => [a.kind, a.summary.includes(`lab-${host}`)])).toEqual([['cell-state', true]]);
    const localised = await until(
      () => api<Incident>(`/api/incidents/${firing[0]!.incidentId}`),
      (i) => (i.localisation?.suspects[0]?.confidence ?? 0) >= suspect.confidence,
      30_000,
    );
    const l = localised.localisation;
    expect(l, JSON.stringify(l)).toMatchObject({
      suspects: [
        {
          device: await deviceId(ml, suspect.node),
          point: suspect.point,
          interface: suspect.interface,
          confidence: suspect.confidence,
        },
      ],
    });
    const evidence = l!.suspects[0]!.evidence.join('\n');
    expect(evidence).toMatch(suspect.upstreamPoint);
    if (suspect.evidence) expect(evidence).toMatch(suspect.evidence);
    expect(evidence).toMatch(
      suspect.stopped ??
        new RegExp(`${suspect.interface} \\(${suspect.point}\\) did not rise for \\d+ intervals`),
    );

    await undo();
    undo = undefined;
    // The interval the repair fell in counts some loss (degraded, served): then a clean one (ok).
    const back = await until(c.tree, (x) => receiverOf(x, host)?.state === 'ok', 60_000);
    expect(receiverOf(back, host)).toMatchObject({ served: true, state: 'ok' });
    expect(back.differences).toEqual([]);
    const cleared = await until(
      async () => since(c.notices(host)),
      (r) => r.hook.length === 2 && r.syslog.length === 2,
      15_000,
    );
    expect(cleared).toEqual({ hook: ['alert.fired', 'alert.resolved'], syslog: ['FIRING', 'RESOLVED'] });
  } finally {
    await undo?.();
  }
}
