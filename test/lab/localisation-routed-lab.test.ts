// Issue 14 lab, routed (needs IPv6 multicast routing; the whole suite skips loudly without it): h1 and h2
// on the snooping bridge sw with the router r1, h4 behind r1 on its own /64. r1 routes an SSM group sourced
// by h1 from the bridge (eth0) to h4's link (eth1) with a static smcroute (S,G) route; snmpd on sw and r1
// serves, through the project's pass_persist backend, their multicast state (r1's IPMCAST-MIB route and
// next hop rows from the kernel's MFC) and per-port multicast counters (nftables counters on sw's ports and
// r1's interfaces). The lab server discovers sw, r1 and h1, and a monitor of the group has agents on h1
// (sender), h2 and h4. Each routed fault cuts h4 off, makes it "expected but not served" at r1's eth1, fires
// an alert at a webhook receiver and a syslog listener the test starts, is localised by per-hop polling
// from r1's own counters, and clears on repair:
// - the route's outgoing interface removed (smcroute turns the route into a stop filter: the kernel keeps
//   it and counts its packets, with no next hop) → r1 eth1 (out), the route's word that it does not forward;
// - an nftables drop on r1's upstream interface eth0 → r1 eth0 (in): sw counts the group's frames out of
//   its port p-r1 (bridge postrouting, before they leave sw), while the drop in r1's prerouting hook comes
//   before the kernel's multicast routing, so the route's packet count — r1's in point — stops.
// What runs everywhere: r1's interfaces count the multicast they send (so the unicast r1 routes to h4's
// agent does not make its out point rise) and its snmpd serves those counts.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingKernelFeature } from '../support/kernel-features.ts';
import { missingParts } from '../support/system.ts';
import {
  alertNotices,
  createSsmMonitor,
  discoverNodes,
  faultLocalised,
  receiversPlaced,
  ssmTree,
  startLocalisationLab,
  type FaultCase,
  type Notices,
} from './localisation-lab.ts';
import { countPortMulticast, IF_COUNTER_SUBTREES, startSnmpd } from './lab-daemons.ts';
import { startLabRouter, until, type MonitorLab, type Smcroutectl } from './monitor-lab.ts';
import { NetnsLab } from './netns-lab.ts';

const missing = missingParts({
  commands: ['ip', 'bridge', 'nft', 'snmpd', 'snmpbulkwalk', 'lldpd', 'unshare', 'smcrouted', 'smcroutectl'],
  root: true,
});
const skip =
  missing ||
  missingKernelFeature(
    'ipv6-mroute',
    "localisation lab: r1's routed faults (outgoing interface removed, nftables drop on its upstream interface)",
  );
/** r1 is a host of the bridge; h4 sits behind it. */
const ON_BRIDGE = ['h1', 'h2', 'r1'];
const AGENTS = ['h1', 'h2', 'h4'];
/** Polled: the bridge, the router, and h1 so that the snapshot knows where the source sits. */
const NODES = { multicast: ['sw', 'r1'], polled: ['sw', 'r1', 'h1'], all: ['sw', ...ON_BRIDGE, 'h4'] };
const SSM = 'ff3e::db8:14d2';
const PORT = 10_015;
const INTERVAL_S = 2;

describe.skipIf(skip)('localisation of routed faults on r1 in the namespace lab', () => {
  let ml: MonitorLab;
  let lab: NetnsLab;
  let smcroutectl: Smcroutectl;
  let source = '';
  let routerIf = '';
  const tree = () => ssmTree(ml, SSM, source);
  let notices: Notices;
  let closeNotices: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ml = await startLocalisationLab(ON_BRIDGE, NODES, {
      create: { switchAddress: true, routed: [{ name: 'h4', router: 'r1' }] },
      agentHosts: AGENTS,
      prepare: async (l, dir) => {
        lab = l;
        routerIf = l.routedLinks[0]!.routerIf;
        source = l.host('h1').address;
        smcroutectl = await startLabRouter(l, dir, SSM, [{ iif: 'eth0', source, oif: routerIf }]);
      },
    });
    await createSsmMonitor(ml, {
      name: 'lab-routed-tree',
      hosts: AGENTS,
      group: SSM,
      port: PORT,
      intervalSeconds: INTERVAL_S,
    });
    // Alert notifications of lost cells, at a webhook receiver and a syslog listener the suite starts.
    ({ notices, close: closeNotices } = await alertNotices(ml));
    // The kernel's route of the group on r1 (what the backend serves as IPMCAST-MIB rows) counts the beacons.
    const routed = await until(
      () => lab.exec('r1', 'ip', ['-6', 'mroute', 'show']),
      (out) => out.includes(SSM) && out.includes(routerIf),
      30_000,
    );
    expect(routed).toContain(SSM);
    // LLDP names every neighbour: h1, h2 and r1 on sw; sw and h4 on r1.
    await discoverNodes(ml, NODES, { sw: 3, r1: 2 });
  }, 240_000);

  afterAll(async () => {
    await closeNotices?.();
    await ml?.down();
  });

  it("shows h2 served on sw's p-h2 and h4 served behind r1's eth1", async () => {
    const t = await until(tree, (x) => x.receivers.filter((r) => r.served).length === 2, 30_000);
    expect(receiversPlaced(t), JSON.stringify(t.receivers)).toEqual([
      ['lab-h2', true, 'p-h2'],
      ['lab-h4', true, routerIf],
    ]);
    expect(t.differences).toEqual([]);
  }, 60_000);

  /** A fault on r1 cutting h4 off, which the topology places on r1's interface toward it. */
  const faultCase = (inject: FaultCase['inject'], suspect: FaultCase['suspect']) =>
    faultLocalised({ ml, notices, tree, host: 'h4', port: routerIf, inject, suspect });

  it("r1's route loses its outgoing interface eth1: localised to r1 eth1 (out) by the route's own word, with its packets still counted in; re-adding it clears", async () => {
    await faultCase(
      async () => {
        await smcroutectl('remove', 'eth0', source, SSM, routerIf);
        return async () => void (await smcroutectl('add', 'eth0', source, SSM, routerIf));
      },
      {
        node: 'r1',
        interface: routerIf,
        point: 'out',
        // Two polls without a forwarding next hop (0.8), and it is the route that says so (+0.1).
        confidence: 0.9,
        upstreamPoint: /eth0 \(in\) rose by \d+ packets/,
        stopped: new RegExp(
          `${routerIf} \\(out\\): the route has no forwarding next hop there \\(\\d+ polls\\)`,
        ),
      },
    );
  }, 150_000);

  it("an nftables drop on r1's upstream interface eth0: localised to r1 eth0 (in), sw's p-r1 still sending; removing the drop clears", async () => {
    await faultCase(
      async () => {
        const table = 'nsrouteddrop';
        await lab.nft(
          'r1',
          `table ip6 ${table} {
  chain prerouting {
    type filter hook prerouting priority -200; policy accept;
    iifname "eth0" ip6 daddr ${SSM} udp dport ${PORT} drop
  }
}
`,
        );
        return async () => void (await lab.exec('r1', 'nft', ['delete', 'table', 'ip6', table]));
      },
      {
        node: 'r1',
        interface: 'eth0',
        point: 'in',
        // Two flat intervals of the route's packet count while sw's port toward r1 rises; the drop moves no
        // discard counter (netfilter drops are not netdev drops).
        confidence: 0.8,
        upstreamPoint: /p-r1 \(out\) rose by \d+ packets/,
      },
    );
  }, 150_000);
});

/** Runs everywhere: the part of r1's setup that needs no multicast routing. */
describe.skipIf(missing)("r1's per-interface multicast counters as its snmpd serves them", () => {
  let lab: NetnsLab;
  let dir: string;
  const IFX_OUT_MULTICAST = '.1.3.6.1.2.1.31.1.1.1.12';
  /** r1's ifHCOutMulticastPkts of eth1 (toward h4), read over SNMP from h1. */
  const outMulticast = async () => {
    const eth1 = JSON.parse(await lab.exec('r1', 'ip', ['-j', 'link', 'show', 'eth1'])) as {
      ifindex: number;
    }[];
    const out = await lab.exec('h1', 'snmpget', [
      '-v2c',
      '-t',
      '5',
      '-c',
      'public',
      '-On',
      '-Oqv',
      `udp6:[${lab.host('r1').address}]`,
      `${IFX_OUT_MULTICAST}.${eth1[0]!.ifindex}`,
    ]);
    return Number(out.trim());
  };
  /** 20 UDP datagrams from r1 to `target` out of eth1 (hop limit 8: a group's would cross a router). */
  const send = async (target: string) => {
    const code = `const s=require('dgram').createSocket('udp6');s.bind(0,'::',()=>{
      s.setMulticastInterface('::%eth1');s.setMulticastTTL(8);let i=0;const t=setInterval(()=>{
      s.send('x',${PORT},'${target}');if(++i>=20){clearInterval(t);setTimeout(()=>s.close(),50)}},20)})`;
    const child = lab.spawn('r1', process.execPath, ['-e', code]);
    const exit = await new Promise((resolve) => child.once('exit', resolve));
    expect(exit, `sending to ${target}`).toBe(0);
    // The backend reads a fresh snapshot at most once a second.
    await new Promise((r) => setTimeout(r, 1100));
  };

  beforeAll(async () => {
    lab = await NetnsLab.create({ hosts: ['h1', 'r1'], routed: [{ name: 'h4', router: 'r1' }] });
    dir = mkdtempSync(join(tmpdir(), 'ns-routed-'));
    chmodSync(dir, 0o755);
    await countPortMulticast(lab, 'r1');
    await startSnmpd(lab, 'r1', dir, IF_COUNTER_SUBTREES);
  }, 60_000);

  afterAll(async () => {
    await lab?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('count what r1 sends to a group out of eth1, not the unicast it sends there', async () => {
    const before = await outMulticast();
    await send(lab.host('h4').address);
    const afterUnicast = await outMulticast();
    // Resolving h4's address takes a neighbour solicitation or two to a multicast address; 20 unicast
    // datagrams must not count.
    expect(afterUnicast - before).toBeLessThan(5);
    await send(SSM);
    expect((await outMulticast()) - afterUnicast).toBeGreaterThanOrEqual(20);
  }, 60_000);
});
