// Spanning tree end to end: three hand-written switches (recordings/stp-*.rec) served by a real snmpsim.
// stp-a is the root; LLDP sees a–b and a–c; b–c runs no LLDP, b designates that segment and c blocks it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/discovery/discover.ts';
import { missingParts } from '../../../test/support/system.ts';
import { startSnmpsim, SNMPSIM, type Snmpsim } from './support/snmpsim.ts';
import { discoverCli } from './support/discover-cli.ts';

const RECORDINGS = join(dirname(fileURLToPath(import.meta.url)), 'recordings');
const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd', 'snmpget'] });
const NAMES = ['stp-a', 'stp-b', 'stp-c'];

let sim: Snmpsim;
const target = (community: string) => ({
  address: '127.0.0.1',
  port: sim.port,
  credential: { version: 'v2c' as const, community },
});

describe.skipIf(skip)('spanning tree over snmpsim', () => {
  beforeAll(async () => {
    sim = await startSnmpsim(Object.fromEntries(NAMES.map((n) => [n, join(RECORDINGS, `${n}.rec`)])));
  }, 60_000);
  afterAll(async () => sim?.stop());

  it('a triangle: two LLDP links gain stp evidence, the third is found by STP alone and is blocked at stp-c', async () => {
    const r = await discover({ targets: NAMES.map(target), includeFacts: true });
    expect(r.unreachable).toEqual([]);
    expect(r.report.map((x) => [x.status, x.issues])).toEqual(NAMES.map(() => ['ok', []]));
    const c = r.facts!.find((f) => f.system.sysName === 'stp-c')!;
    expect(c.stp).toEqual({
      designatedRoot: { priority: 0x1000, mac: '02:00:00:00:aa:00' },
      ports: [
        {
          port: 1,
          ifIndex: 101,
          state: 'forwarding',
          designatedBridge: { priority: 0x1000, mac: '02:00:00:00:aa:00' },
          designatedPort: 2,
        },
        {
          port: 2,
          ifIndex: 102,
          state: 'blocking',
          designatedBridge: { priority: 0x8000, mac: '02:00:00:00:bb:00' },
          designatedPort: 2,
        },
      ],
    });
    const l2 = r.links.filter((l) => l.layer === 'l2');
    expect(l2).toEqual([
      {
        layer: 'l2',
        a: { device: 'stp-a', ifIndex: 1, ifName: 'Et1', stp: 'forwarding' },
        b: { device: 'stp-b', ifIndex: 11, ifName: 'Et1', stp: 'forwarding' },
        evidence: ['lldp', 'stp'],
        confirmed: true,
      },
      {
        layer: 'l2',
        a: { device: 'stp-a', ifIndex: 2, ifName: 'Et2', stp: 'forwarding' },
        b: { device: 'stp-c', ifIndex: 101, ifName: 'Gi0/1', stp: 'forwarding' },
        evidence: ['lldp', 'stp'],
        confirmed: true,
      },
      {
        layer: 'l2',
        a: { device: 'stp-c', ifIndex: 102, ifName: 'Gi0/2', stp: 'blocking' },
        b: { device: 'stp-b', ifIndex: 12, ifName: 'Et2', stp: 'forwarding' },
        evidence: ['stp'],
        confirmed: true,
        blocked: true,
      },
    ]);
  }, 60_000);

  it('the CLI summary flags the blocked link and where it is blocked', () => {
    const r = discoverCli(NAMES.map((n) => `127.0.0.1:${sim.port} ${n}`));
    expect(r.status, r.stderr).toBe(0);
    const l2 = r.stdout.split('\n').filter((l) => l.startsWith('l2 '));
    expect(l2.filter((l) => l.includes('BLOCKED'))).toEqual([
      expect.stringMatching(/ Gi0\/2 -- \S+ Et2 \[stp, confirmed\] BLOCKED by STP at \S+ Gi0\/2$/),
    ]);
    expect(l2).toHaveLength(3);
  }, 60_000);

  it('stp-c alone: its designated bridges are not polled, so no STP link; LLDP still names stp-a', async () => {
    const r = await discover({ targets: [target('stp-c')] });
    const l2 = r.links.filter((l) => l.layer === 'l2');
    expect(l2).toEqual([
      {
        layer: 'l2',
        a: { device: 'stp-c', ifIndex: 101, ifName: 'Gi0/1', stp: 'forwarding' },
        b: { unmanaged: 'unmanaged:02:00:00:00:aa:00', name: 'stp-a', port: 'Et2' },
        evidence: ['lldp'],
        confirmed: false,
      },
    ]);
  }, 60_000);
});
