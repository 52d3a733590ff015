// VLANs in a real namespace lab: a VLAN-aware Linux bridge (vlan_filtering 1) with two VLANs, h1 an access
// port in VLAN 10, h2 one in VLAN 20, h3 a trunk carrying both tagged (VLAN 1 native). snmpd serves no
// Q-BRIDGE-MIB for a Linux bridge: the project's pass_persist backend (mcast-mib/) serves BRIDGE-MIB and
// Q-BRIDGE-MIB from `ip -j -d link show` and `bridge -j vlan show`. `netspotter discover --json` runs in the
// switch's namespace against its own address; lldpd on every node names the link ends.
// The kernel must have CONFIG_BRIDGE_VLAN_FILTERING: without it the whole lab is skipped, loudly.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryResult } from '../../server/src/discovery/result.ts';
import { until } from '../../server/test/support/until.ts';
import { missingKernelFeature } from '../support/kernel-features.ts';
import { missingParts } from '../support/system.ts';
import { BRIDGE_SUBTREE, snmpWalk, startLldpd, startSnmpd, type NodeDaemons } from './lab-daemons.ts';
import { NetnsLab } from './netns-lab.ts';
import { discoverIn } from './netspotter-processes.ts';

const skip = missingParts({
  commands: ['ip', 'bridge', 'snmpd', 'snmpbulkwalk', 'lldpd', 'unshare'],
  root: true,
});
const noVlans = skip
  ? undefined
  : missingKernelFeature('bridge-vlan-filtering', 'VLAN lab: a VLAN-aware bridge with two VLANs');
const NODES = ['sw', 'h1', 'h2', 'h3'];
const LLDP_REM_SYS_NAME = '1.0.8802.1.1.2.1.4.1.1.9';
const DOT1Q_PVID = '1.3.6.1.2.1.17.7.1.4.5.1.1';

describe.skipIf(skip || noVlans)('VLANs in a real namespace lab (VLAN-aware bridge, Q-BRIDGE-MIB)', () => {
  let lab: NetnsLab;
  let dir: string;
  let result: DiscoveryResult;

  const walk = (oid: string) => snmpWalk(lab, 'sw', lab.swAddress, oid);

  beforeAll(async () => {
    lab = await NetnsLab.create({
      hosts: ['h1', 'h2', 'h3'],
      switchAddress: true,
      vlans: { h1: { access: 10 }, h2: { access: 20 }, h3: { native: 1, tagged: [10, 20] } },
    });
    dir = mkdtempSync(join(tmpdir(), 'vlan-lab-'));
    chmodSync(dir, 0o755);
    const daemons = new Map<string, NodeDaemons>();
    for (const n of NODES) daemons.set(n, await startSnmpd(lab, n, dir, n === 'sw' ? [BRIDGE_SUBTREE] : []));
    for (const n of NODES) startLldpd(lab, n, daemons.get(n)!);
    const seen = await until(
      () => walk(LLDP_REM_SYS_NAME).catch((e: Error) => e.message),
      (out) => out.split('\n').filter((l) => l.includes('STRING')).length === 3,
      30_000,
      200,
    );
    if (seen.split('\n').filter((l) => l.includes('STRING')).length !== 3)
      throw new Error(`the switch did not hear its 3 LLDP neighbours: ${seen}`);
    // snmpd starts the pass_persist backend on the first request: start it before discovery's timeouts.
    await walk(DOT1Q_PVID);
    const targets = join(dir, 'targets.txt');
    writeFileSync(targets, `${lab.swAddress} public\n`);
    result = await discoverIn(lab, 'sw', targets);
  }, 120_000);

  afterAll(async () => {
    await lab?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the switch answers fully, with the VLANs its ports carry', () => {
    expect(result.report.map((r) => [r.status, r.issues])).toEqual([['ok', []]]);
    expect(result.devices.map((d) => [d.sysName, d.vlans])).toEqual([
      ['sw', [{ id: 1 }, { id: 10 }, { id: 20 }]],
    ]);
  });

  it('per port, as discovered over Q-BRIDGE-MIB: two access ports in VLAN 10 and 20, one trunk', () => {
    const sw = result.devices[0]!.id;
    const ports = Object.fromEntries(
      result.links
        .filter((l) => l.layer === 'l2' && l.a.device === sw)
        .map((l) => [`${l.a.ifName} -- ${l.b.name}`, l.a.vlans]),
    );
    expect(ports).toEqual({
      'p-h1 -- h1': { access: 10 },
      'p-h2 -- h2': { access: 20 },
      'p-h3 -- h3': { native: 1, tagged: [10, 20] },
    });
  });
});
