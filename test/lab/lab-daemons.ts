// Real network daemons for a NetnsLab namespace, run in the foreground as lab children (so down() kills
// them by PID): snmpd with its own config, persistent dir and AgentX socket; lldpd under its own
// hostname serving LLDP-MIB to that snmpd; smcroute with static IPv6 multicast routes. Paths are
// per namespace so labs and the host's daemons never share a socket (lab-recipe G5, G8, G9).
import type { SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '../../server/test/support/until.ts';
import { COUNTER_TABLE } from './mcast-mib/counter-state.ts';
import type { NetnsLab } from './netns-lab.ts';

const PASS_PERSIST = fileURLToPath(new URL('./mcast-mib/pass-persist.mjs', import.meta.url));
/** Subtrees the pass_persist backend serves from the kernel: IPMCAST-MIB and MGMD-STD-MIB, and BRIDGE-MIB (with Q-BRIDGE-MIB). */
export const MCAST_SUBTREES = ['.1.3.6.1.2.1.168', '.1.3.6.1.2.1.185'];
export const BRIDGE_SUBTREE = '.1.3.6.1.2.1.17';
/**
 * The IF-MIB counter columns per-hop localisation reads, served by the backend ahead of snmpd's own IF-MIB
 * (which reads the kernel's veth statistics: no multicast counted): ifHCIn/OutMulticastPkts, ifIn/OutDiscards,
 * ifIn/OutErrors.
 */
export const IF_COUNTER_SUBTREES = [
  '.1.3.6.1.2.1.31.1.1.1.8',
  '.1.3.6.1.2.1.31.1.1.1.12',
  '.1.3.6.1.2.1.2.2.1.13',
  '.1.3.6.1.2.1.2.2.1.14',
  '.1.3.6.1.2.1.2.2.1.19',
  '.1.3.6.1.2.1.2.2.1.20',
];

/** Starts a daemon whose output goes to a file (an unread pipe would fill up and stall it). */
function spawnLogged(
  lab: NetnsLab,
  where: string,
  cmd: string,
  args: string[],
  log: string,
  opts: SpawnOptions = {},
) {
  const fd = openSync(log, 'a');
  try {
    lab.spawn(where, cmd, args, { ...opts, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd); // the child has its own copy
  }
}

/** `snmpbulkwalk` (v2c, community public, numeric OIDs) run in namespace `from` against `address`. */
export const snmpWalk = (lab: NetnsLab, from: string, address: string, oid: string, timeoutS = 5) =>
  lab.exec(from, 'snmpbulkwalk', [
    '-v2c',
    '-c',
    'public',
    '-On',
    '-t',
    String(timeoutS),
    `udp6:[${address}]`,
    oid,
  ]);

export interface NodeDaemons {
  dir: string;
  agentx: string;
  lldpctl: string;
}

/**
 * snmpd (v2c `community` from 2001:db8::/32 over UDP/IPv6), serving `subtrees` (MCAST_SUBTREES for switches
 * and routers, BRIDGE_SUBTREE for a VLAN-aware bridge) from the namespace's kernel through the project's
 * pass_persist backend.
 */
export async function startSnmpd(
  lab: NetnsLab,
  where: string,
  root: string,
  subtrees: string[] = [],
  community = 'public',
): Promise<NodeDaemons> {
  const dir = join(root, where);
  mkdirSync(join(dir, 'etc'), { recursive: true });
  mkdirSync(join(dir, 'var'), { recursive: true });
  const agentx = join(dir, 'agentx.sock');
  const conf = join(dir, 'etc', 'snmpd.conf');
  writeFileSync(
    conf,
    [
      'agentaddress udp6:161',
      `rocommunity6 ${community} 2001:db8::/32`,
      `sysname ${where}`,
      'master agentx',
      `agentXSocket ${agentx}`,
      'agentXPerms 0660 0770',
      // Priority 1: ahead of snmpd's own modules where a subtree overlaps them (the IF-MIB columns).
      ...subtrees.map((s) => `pass_persist -p 1 ${s} ${process.execPath} ${PASS_PERSIST} ${s}`),
      '',
    ].join('\n'),
  );
  const log = join(dir, 'snmpd.log');
  spawnLogged(lab, where, 'snmpd', ['-f', '-C', '-c', conf, '-m', '', '-Lf', log], join(dir, 'snmpd.out'), {
    env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'var') },
  });
  // lldpd must find the AgentX master at start, or it retries only every ~10 s (lab-recipe G13).
  const opened = await until(async () => existsSync(agentx), Boolean, 5000, 50);
  if (!opened) throw new Error(`snmpd in ${where} did not open ${agentx}`);
  return { dir, agentx, lldpctl: join(dir, 'lldpd.sock') };
}

/**
 * Counts the multicast each port of the namespace takes in and sends out (nftables), for the backend's
 * ifHCIn/OutMulticastPkts: Linux keeps no such count per port. On a bridge its ports' frames (bridge family);
 * on a router (no br0) its interfaces' IPv6 multicast (inet family: what it routes out passes postrouting
 * too), whose tx packets would otherwise stand in and rise with the unicast it routes.
 */
export async function countPortMulticast(lab: NetnsLab, where: string): Promise<void> {
  const links = JSON.parse(await lab.exec(where, 'ip', ['-j', 'link', 'show'])) as {
    ifname: string;
    master?: string;
  }[];
  const bridged = links.filter((l) => l.master === 'br0').map((l) => l.ifname);
  const [family, ports, multicast] = bridged.length
    ? ['bridge', bridged, 'ether daddr & 01:00:00:00:00:00 == 01:00:00:00:00:00 counter']
    : ['inet', links.filter((l) => l.ifname !== 'lo').map((l) => l.ifname), 'ip6 daddr ff00::/8 counter'];
  const chain = (name: string, hook: string, priority: number, dir: 'rx' | 'tx', match: string) =>
    [
      `  chain ${name} {`,
      `    type filter hook ${hook} priority ${priority}; policy accept;`,
      ...ports.map((p) => `    ${match} "${p}" ${multicast} comment "${dir} ${p}"`),
      '  }',
    ].join('\n');
  // In before anything else sees the frame; out after every filter (a drop there is not counted as sent).
  const rules = [
    `table ${family} ${COUNTER_TABLE} {`,
    chain('rx', 'prerouting', -300, 'rx', 'iifname'),
    chain('tx', 'postrouting', 300, 'tx', 'oifname'),
    '}',
    '',
  ].join('\n');
  await lab.nft(where, rules);
}

/** lldpd announcing every second under the namespace's name, registered with snmpd over AgentX. */
export function startLldpd(lab: NetnsLab, where: string, d: NodeDaemons): void {
  const conf = join(d.dir, 'lldpd.conf');
  writeFileSync(conf, 'configure lldp tx-interval 1\n');
  // Namespaces share the UTS hostname, which lldpd announces: give it its own (lab-recipe 3.3).
  const script = 'hostname "$0" && exec lldpd -d -X "$1" -O "$2" -u "$3" -p "$4"';
  const args = [where, d.agentx, conf, d.lldpctl, join(d.dir, 'lldpd.pid')];
  spawnLogged(lab, where, 'unshare', ['--uts', 'sh', '-c', script, ...args], join(d.dir, 'lldpd.log'));
}

/** smcroute with static routes `from IIF [source S] group G to OIF…` (IPv6 PIM is not packaged). */
export function startSmcroute(lab: NetnsLab, where: string, d: NodeDaemons, config: string[]): void {
  const conf = join(d.dir, 'smcroute.conf');
  writeFileSync(conf, config.join('\n') + '\n');
  const files = ['-f', conf, '-u', join(d.dir, 'smcroute.sock'), '-P', join(d.dir, 'smcroute.pid')];
  spawnLogged(lab, where, 'smcrouted', ['-n', '-N', ...files, '-l', 'notice'], join(d.dir, 'smcroute.log'));
}
