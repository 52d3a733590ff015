// LAG roll-up end to end: two hand-written switches (recordings/lag-*.rec) served by a real snmpsim and
// discovered together. lag-a's Port-Channel1 is known from ifStackTable, lag-b's Po1 only from
// dot3adAggPortAttachedAggID; LLDP sees the two member links from both ends.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/discovery/discover.ts';
import { missingParts } from '../../../test/support/system.ts';
import { startSnmpsim, SNMPSIM, type Snmpsim } from './support/snmpsim.ts';
import { discoverCli } from './support/discover-cli.ts';

const RECORDINGS = join(dirname(fileURLToPath(import.meta.url)), 'recordings');
const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd', 'snmpget'] });

let sim: Snmpsim;
const target = (community: string) => ({
  address: '127.0.0.1',
  port: sim.port,
  credential: { version: 'v2c' as const, community },
});

describe.skipIf(skip)('LAG roll-up over snmpsim', () => {
  beforeAll(async () => {
    sim = await startSnmpsim({
      'lag-a': join(RECORDINGS, 'lag-a.rec'),
      'lag-b': join(RECORDINGS, 'lag-b.rec'),
    });
  }, 60_000);
  afterAll(async () => sim?.stop());

  it('two switches joined by a 2-member LAG: one confirmed link Po1–Po1 carrying both member links', async () => {
    const r = await discover({ targets: [target('lag-a'), target('lag-b')], includeFacts: true });
    expect(r.unreachable).toEqual([]);
    expect(r.report.map((x) => [x.status, x.issues])).toEqual([
      ['ok', []],
      ['ok', []],
    ]);
    const facts = Object.fromEntries(r.facts!.map((f) => [f.system.sysName, f]));
    expect(facts['lag-a']!.stack).toEqual({
      ifStack: [
        [1000001, 1],
        [1000001, 2],
      ],
      attachedAgg: {},
    });
    expect(facts['lag-b']!.stack).toEqual({
      ifStack: [
        [1, 10101],
        [1, 10102],
      ],
      attachedAgg: { '10101': 5001, '10102': 5001 },
    });
    const l2 = r.links.filter((l) => l.layer === 'l2');
    expect(l2).toEqual([
      {
        layer: 'l2',
        a: { device: 'lag-a', ifIndex: 1000001, ifName: 'Po1' },
        b: { device: 'lag-b', ifIndex: 5001, ifName: 'Po1' },
        evidence: ['lldp'],
        confirmed: true,
        members: [
          {
            a: { ifIndex: 1, ifName: 'Et1' },
            b: { ifIndex: 10101, ifName: 'Gi0/1' },
            evidence: ['lldp'],
            confirmed: true,
          },
          {
            a: { ifIndex: 2, ifName: 'Et2' },
            b: { ifIndex: 10102, ifName: 'Gi0/2' },
            evidence: ['lldp'],
            confirmed: true,
          },
        ],
      },
    ]);
  }, 60_000);

  it('lag-b alone: its side still rolls up, towards lag-a as an unmanaged neighbour', async () => {
    const r = await discover({ targets: [target('lag-b')] });
    const l2 = r.links.filter((l) => l.layer === 'l2');
    expect(l2).toHaveLength(1);
    expect(l2[0]!.a).toEqual({ device: 'lag-b', ifIndex: 5001, ifName: 'Po1' });
    expect(l2[0]!.b).toEqual({ unmanaged: 'unmanaged:02:00:00:00:a1:00', name: 'lag-a' });
    expect(l2[0]!.members!.map((m) => [m.a.ifName, m.b.port])).toEqual([
      ['Gi0/1', 'Et1'],
      ['Gi0/2', 'Et2'],
    ]);
  }, 60_000);

  it('the CLI summary prints the aggregate link once, with its member port pairs', () => {
    const r = discoverCli([`127.0.0.1:${sim.port} lag-a`, `127.0.0.1:${sim.port} lag-b`]);
    expect(r.status, r.stderr).toBe(0);
    const l2 = r.stdout.split('\n').filter((l) => l.startsWith('l2 '));
    expect(l2).toEqual([
      expect.stringMatching(/ Po1 -- \S+ Po1 \[lldp, confirmed\] LAG x2: Et1=Gi0\/1 Et2=Gi0\/2$/),
    ]);
  }, 60_000);
});
