// Issue 3 real lab: `netspotter discover --json` against real agents in namespaces. A snooping bridge
// (sw) joins h1, h2 and the router r1; h3 sits behind r1 on its own /64. Every namespace runs snmpd and
// lldpd (LLDP-MIB over AgentX); r1 forwards an SSM group (source h1) and an ASM group from eth0 to eth1
// with smcroute; h2 and h3 join both. MGMD-STD-MIB and IPMCAST-MIB rows come from the kernel (bridge mdb, ip -6 mroute)
// through the project's pass_persist backend (mcast-mib/).
// On a kernel without IPv6 multicast routing, r1 routes no multicast: everything else runs (LLDP, L3,
// the snooping bridge and its listeners, the bridged part of the SSM tree) and the routed assertions
// are skipped, named once.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryResult } from '../../server/src/discovery/result.ts';
import { until } from '../../server/test/support/until.ts';
import { missingKernelFeature } from '../support/kernel-features.ts';
import { missingParts } from '../support/system.ts';
import {
  MCAST_SUBTREES,
  snmpWalk,
  startLldpd,
  startSmcroute,
  startSnmpd,
  type NodeDaemons,
} from './lab-daemons.ts';
import { NetnsLab } from './netns-lab.ts';
import { discoverIn } from './netspotter-processes.ts';

const skip = missingParts({
  commands: ['ip', 'bridge', 'snmpd', 'snmpbulkwalk', 'lldpd', 'smcrouted', 'unshare'],
  root: true,
});
const noMroute = skip
  ? undefined
  : missingKernelFeature('ipv6-mroute', 'discovery lab: r1 routing multicast to h3');
const routed = !noMroute;
const SSM = 'ff3e::1234';
const ASM = 'ff0e::db8:0:1234'; // RFC 6676 documentation group (ff3e::/96 is SSM only, lab-recipe G14)
const PORTS: Record<string, number> = { [SSM]: 5001, [ASM]: 5000 };
const PACKETS = 5;
const NODES = ['sw', 'r1', 'h1', 'h2', 'h3'];
/** Where the kernel keeps multicast state to serve: the snooping bridge (mdb) and the router (MFC). */
const MCAST_NODES = ['sw', 'r1'];
/** LLDP neighbours each node must see before discovery runs. */
const LLDP_PEERS: Record<string, number> = { sw: 3, r1: 2, h1: 1, h2: 1, h3: 1 };
const LLDP_REM_SYS_NAME = '1.0.8802.1.1.2.1.4.1.1.9';
/** Who receives the groups: h3 only through r1's multicast routing. */
const RECEIVERS = routed ? ['h2', 'h3'] : ['h2'];

/** Polls until `ok` holds, else fails naming what was awaited and the state last seen. */
async function waitFor<T>(
  what: string,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  ms: number,
): Promise<void> {
  const last = await until(fn, ok, ms, 200);
  if (!ok(last)) throw new Error(`timed out waiting for ${what}, last seen: ${JSON.stringify(last)}`);
}

describe.skipIf(skip)('discovery in a real namespace lab (snmpd, lldpd, smcroute, MLD snooping)', () => {
  let lab: NetnsLab;
  let dir: string;
  let result: DiscoveryResult;
  const received = new Map<string, number>();
  const neighboursBefore = new Map<string, number>();
  const neighboursAfter = new Map<string, number>();
  const timings: Record<string, number> = {};
  const address = (n: string) => (n === 'sw' ? lab.swAddress : lab.host(n).address);
  /** snmpbulkwalk from h1, where discovery runs too. */
  const walk = (target: string, oid: string, timeoutS = 1) => snmpWalk(lab, 'h1', target, oid, timeoutS);

  /** `netspotter discover --json` run in h1, the CLI's own code path, on these target addresses. */
  async function discover(name: string, addresses: string[], flags: string[] = []): Promise<DiscoveryResult> {
    const targets = join(dir, `${name}.txt`);
    writeFileSync(targets, addresses.map((a) => `${a} public`).join('\n') + '\n');
    return discoverIn(lab, 'h1', targets, ['--timeout', '1500', ...flags]);
  }

  /** IPv6 neighbour cache entries with a link-layer address, as ipNetToPhysicalTable lists them. */
  const kernelNeighbours = async (n: string) =>
    (JSON.parse(await lab.exec(n, 'ip', ['-j', '-6', 'neigh', 'show'])) as { lladdr?: string }[]).filter(
      (e) => e.lladdr,
    ).length;

  /** A listener on eth0 counting datagrams: joins (source, group) for SSM, (*, group) for ASM. */
  function listen(host: string, group: string, source?: string): Promise<void> {
    const join = source
      ? `s.addSourceSpecificMembership('${source}','${group}','::%eth0')`
      : `s.addMembership('${group}','::%eth0')`;
    const code = `const s=require('dgram').createSocket({type:'udp6',reuseAddr:true});
      s.on('message',()=>console.log('rx'));
      s.bind(${PORTS[group]},'::',()=>{${join};console.log('joined')})`;
    const child = lab.spawn(host, process.execPath, ['-e', code]);
    const key = `${host} ${group}`;
    received.set(key, 0);
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        const lines = String(d).split('\n');
        received.set(key, received.get(key)! + lines.filter((l) => l === 'rx').length);
        if (lines.includes('joined')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`listener on ${host} exited ${code}`)));
    });
  }

  async function send(host: string, group: string, count: number): Promise<void> {
    // Multicast hop limit defaults to 1, too low to cross r1 (lab-recipe G4).
    const code = `const s=require('dgram').createSocket('udp6');s.bind(0,'::',()=>{s.setMulticastInterface('::%eth0');
      s.setMulticastTTL(8);let i=0;const t=setInterval(()=>{s.send('pkt'+ ++i,${PORTS[group]},'${group}');
      if(i>=${count}){clearInterval(t);setTimeout(()=>s.close(),50)}},50)})`;
    const child = lab.spawn(host, process.execPath, ['-e', code]);
    await new Promise((resolve) => child.once('exit', resolve));
  }

  beforeAll(async () => {
    let t = Date.now();
    const lap = (name: string) => {
      timings[name] = Date.now() - t;
      t = Date.now();
    };
    lab = await NetnsLab.create({
      hosts: ['h1', 'h2', 'r1'],
      routed: [{ name: 'h3', router: 'r1' }],
      switchAddress: true,
    });
    dir = mkdtempSync(join(tmpdir(), 'discovery-lab-'));
    // lldpd runs its lldpcli (the -O config) unprivileged: it must reach the control socket in here.
    chmodSync(dir, 0o755);
    lap('namespaces');
    const daemons = new Map<string, NodeDaemons>();
    for (const n of NODES)
      daemons.set(n, await startSnmpd(lab, n, dir, MCAST_NODES.includes(n) ? MCAST_SUBTREES : []));
    for (const n of NODES) startLldpd(lab, n, daemons.get(n)!);
    const h1 = lab.host('h1').address;
    if (routed)
      startSmcroute(lab, 'r1', daemons.get('r1')!, [
        'phyint eth0 enable',
        'phyint eth1 enable',
        `mroute from eth0 source ${h1} group ${SSM} to eth1`,
        // A (*,G) rule: the kernel gets an (S,G) entry when the first packet arrives.
        `mroute from eth0 group ${ASM} to eth1`,
      ]);
    lap('daemons');
    await Promise.all(RECEIVERS.flatMap((h) => [listen(h, SSM, h1), listen(h, ASM)]));
    await waitFor(
      'the snooping bridge to learn h2',
      () => lab.exec('sw', 'bridge', ['mdb', 'show']),
      (mdb) => [SSM, ASM].every((g) => mdb.includes(`port p-h2 grp ${g}`)),
      10_000,
    );
    lap('joins');
    // Discovery reads LLDP-MIB through snmpd: wait until every lldpd has registered and heard its peers.
    for (const n of NODES)
      await waitFor(
        `${LLDP_PEERS[n]} LLDP neighbours in LLDP-MIB on ${n}`,
        () => walk(address(n), LLDP_REM_SYS_NAME).catch((e: Error) => e.message),
        (seen) => seen.split('\n').filter((l) => l.includes('STRING')).length === LLDP_PEERS[n],
        30_000,
      );
    lap('lldp');
    // Traffic last, close to discovery: smcroute flushes the kernel routes its (*,G) rules made every 60 s.
    await Promise.all([SSM, ASM].map((g) => send('h1', g, PACKETS)));
    await waitFor(
      `${RECEIVERS.join(' and ')} to receive both groups`,
      async () => Object.fromEntries(received),
      (counts) => Object.values(counts).every((c) => c >= PACKETS),
      10_000,
    );
    lap('multicast');
    // snmpd starts a pass_persist backend on its first request (~2 s here): start them all now, not under
    // discovery's request timeouts.
    await Promise.all(
      MCAST_NODES.flatMap((n) =>
        ['1.3.6.1.2.1.168', '1.3.6.1.2.1.185'].map((oid) => walk(address(n), oid, 10)),
      ),
    );
    lap('pass_persist');
    for (const n of NODES) neighboursBefore.set(n, await kernelNeighbours(n));
    // r1 twice, by each of its addresses: one box must stay one node.
    result = await discover('all', [...NODES.map(address), lab.routedLinks[0]!.routerAddress]);
    for (const n of NODES) neighboursAfter.set(n, await kernelNeighbours(n));
    lap('discover');
    console.log(`discovery lab timings (ms): ${JSON.stringify(timings)}`);
  }, 120_000);

  afterAll(async () => {
    await lab?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const byName = (name: string) => {
    const d = result.devices.find((x) => x.sysName === name);
    if (!d) throw new Error(`no device ${name} in ${JSON.stringify(result.devices.map((x) => x.sysName))}`);
    return d;
  };
  const nameOf = (id: string | undefined, r = result) =>
    r.devices.find((d) => d.id === id)?.sysName ?? `?${id}`;
  /** L2 links as `a:port -- b:port [evidence, confirmed]`, by sysName, sorted. */
  const l2Links = (r: DiscoveryResult) =>
    r.links
      .filter((l) => l.layer === 'l2')
      .map((l) => {
        const ends = [
          `${nameOf(l.a.device, r)}:${l.a.ifName}`,
          `${nameOf(l.b.device, r)}:${l.b.ifName}`,
        ].sort();
        return `${ends.join(' -- ')} [${l.evidence.join(',')}${l.confirmed ? ', confirmed' : ''}]`;
      })
      .sort();

  it('finds every device once, each answering fully; r1 reached by two addresses is one node', () => {
    expect(result.unreachable).toEqual([]);
    expect(result.devices.map((d) => d.sysName).sort()).toEqual([...NODES].sort());
    expect(result.report.map((r) => [r.target, r.status, r.issues])).toEqual(
      result.report.map((r) => [r.target, 'ok', []]),
    );
    const r1 = byName('r1');
    expect(r1.targets).toHaveLength(2);
    expect(r1.addresses).toEqual(
      expect.arrayContaining([lab.host('r1').address, lab.routedLinks[0]!.routerAddress]),
    );
    expect(byName('sw').addresses).toContain(lab.swAddress);
  });

  it('finds every LLDP link, confirmed from both ends, and nothing else at L2', () => {
    expect(l2Links(result)).toEqual(
      [
        'h1:eth0 -- sw:p-h1 [lldp, confirmed]',
        'h2:eth0 -- sw:p-h2 [lldp, confirmed]',
        'r1:eth0 -- sw:p-r1 [lldp, confirmed]',
        'h3:eth0 -- r1:eth1 [lldp, confirmed]',
      ].sort(),
    );
    expect(result.unmanaged).toEqual([]);
  });

  it('from the switch alone, follows LLDP management addresses two hops to the same devices and links', async () => {
    const followed = await discover(
      'follow',
      [lab.swAddress],
      ['--follow', '2', '--allow', `${lab.prefix}:/48`],
    );
    expect(followed.unreachable).toEqual([]);
    expect(followed.devices.map((d) => d.sysName).sort()).toEqual([...NODES].sort());
    expect(l2Links(followed)).toEqual(l2Links(result));
  });

  it('derives L3 adjacency: the bridged /64 as a full mesh, the routed /64, next hops via r1', () => {
    const l3 = result.links
      .filter((l) => l.layer === 'l3')
      .map((l) => {
        const ends = [`${nameOf(l.a.device)}:${l.a.ifName}`, `${nameOf(l.b.device)}:${l.b.ifName}`].sort();
        return `${ends.join(' -- ')} ${l.subnet} [${l.evidence.join(',')}]`;
      });
    const lan = `${lab.prefix}:/64`;
    const routed = lab.routedLinks[0]!.subnet;
    // Each box routes the other /64 through r1 (the builder's `route` evidence); h1–h2 and sw share only the LAN.
    expect(l3.sort()).toEqual(
      [
        `h1:eth0 -- sw:br0 ${lan} [subnet]`,
        `h2:eth0 -- sw:br0 ${lan} [subnet]`,
        `h1:eth0 -- h2:eth0 ${lan} [subnet]`,
        `r1:eth0 -- sw:br0 ${lan} [subnet,route]`,
        `h1:eth0 -- r1:eth0 ${lan} [subnet,route]`,
        `h2:eth0 -- r1:eth0 ${lan} [subnet,route]`,
        `h3:eth0 -- r1:eth1 ${routed} [subnet,route]`,
      ].sort(),
    );
  });

  it("counts each device's IPv6 neighbours as its kernel lists them", () => {
    // Neighbour discovery keeps running (NUD probes add link-local entries), so the kernel is read just
    // before and just after the run; the readiness walks from h1 made every cache non-empty.
    for (const n of NODES) {
      const ipv6 = result.neighbors[byName(n).id]?.ipv6 ?? -1;
      expect(neighboursBefore.get(n), n).toBeGreaterThan(0);
      expect([n, ipv6 >= neighboursBefore.get(n)! && ipv6 <= neighboursAfter.get(n)!]).toEqual([n, true]);
    }
  });

  it.each([
    ['SSM', SSM],
    ['ASM', ASM],
  ])('%s %s: h2 listening behind sw:p-h2', (kind, groupAddress) => {
    const sw = byName('sw').id;
    const group = result.multicast.groups.find((g) => g.group === groupAddress);
    // MLDv2 snooping tracks the SSM join's source; the ASM join (exclude mode, no sources) lists none.
    expect(group?.listeners).toEqual([
      kind === 'SSM'
        ? expect.objectContaining({ device: sw, ifName: 'p-h2', sources: [lab.host('h1').address] })
        : { device: sw, ifIndex: expect.any(Number), ifName: 'p-h2', mib: 'mgmd' },
    ]);
  });

  const port = (name: string, ifName: string) => {
    const d = byName(name);
    return { device: d.id, ifIndex: d.interfaces.find((x) => x.ifName === ifName)!.ifIndex };
  };

  it.skipIf(!routed).each([
    ['SSM', SSM],
    ['ASM', ASM],
  ])(
    '%s %s (routed): the (S,G) route on r1 from eth0 to eth1, the tree h1 → sw → r1 → h3 and sw → h2',
    (_kind, groupAddress) => {
      const r1 = byName('r1').id;
      const h1 = lab.host('h1').address;
      const routes = result.multicast.routes.filter((r) => r.group === groupAddress);
      expect(routes).toEqual([
        expect.objectContaining({
          device: r1,
          source: h1,
          groupPrefixLength: 128,
          inIfName: 'eth0',
          oifs: [expect.objectContaining({ ifName: 'eth1', state: 2 })],
        }),
      ]);
      expect(Number(routes[0]!.pkts)).toBeGreaterThanOrEqual(PACKETS);
      // The whole tree: h1 → sw → r1 → h3 (routed), and sw → h2 (the snooping switch's listener port).
      const trees = result.multicast.trees.filter((t) => t.group === groupAddress);
      expect(trees.map((t) => t.source)).toEqual([h1]);
      expect(trees[0]!.edges).toEqual(
        expect.arrayContaining([
          { from: port('h1', 'eth0'), to: port('sw', 'p-h1') },
          { from: port('sw', 'p-r1'), to: port('r1', 'eth0') },
          { from: port('r1', 'eth1'), to: port('h3', 'eth0') },
          { from: port('sw', 'p-h2'), to: { ...port('h2', 'eth0'), listeners: 1 } },
        ]),
      );
      expect(trees[0]!.edges).toHaveLength(4);
    },
  );

  it.skipIf(routed)(
    'without multicast routing: no routes; the SSM tree is its bridged part h1 → sw → h2, the ASM one unknown',
    () => {
      const h1 = lab.host('h1').address;
      expect(result.multicast.routes).toEqual([]);
      expect(result.multicast.trees).toEqual([
        {
          group: SSM,
          source: h1,
          edges: [
            { from: port('h1', 'eth0'), to: port('sw', 'p-h1') },
            { from: port('sw', 'p-h2'), to: { ...port('h2', 'eth0'), listeners: 1 } },
          ],
        },
      ]);
    },
  );
});
