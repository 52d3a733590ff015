// Bad input through discover(): every run completes and the report says what happened per target.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/discovery/discover.ts';
import type { Target } from '@netspotter/shared/snmp/target';
import { missingParts } from '../../../test/support/system.ts';
import { startSnmpsim, SNMPSIM, type Snmpsim } from './support/snmpsim.ts';

const RECORDINGS = join(dirname(fileURLToPath(import.meta.url)), 'recordings');
const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd', 'snmpget'] });

/** 10,200 Q-BRIDGE FDB rows over three ports, generated in sorted OID order. */
function bigFdb(rows: number): string {
  const lines = readFileSync(join(RECORDINGS, 'switch-a.rec'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('1.3.6.1.2.1.17.7.1.2.2.'));
  const fdb: string[] = [];
  for (const col of [2, 3])
    for (let i = 0; i < rows; i++)
      fdb.push(
        `1.3.6.1.2.1.17.7.1.2.2.1.${col}.5.2.0.0.${i >> 8}.${i & 255}.1|2|${col === 2 ? 1 + (i % 3) : 3}`,
      );
  const key = (l: string) => l.split('|')[0]!.split('.').map(Number);
  const cmp = (a: string, b: string) => {
    const x = key(a);
    const y = key(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };
  return [...lines, ...fdb].sort(cmp).join('\n') + '\n';
}

let sim: Snmpsim;
const v2 = (community: string): Target => ({
  address: '127.0.0.1',
  port: sim.port,
  name: community,
  credential: { version: 'v2c', community },
});

describe.skipIf(skip)('bad input', () => {
  beforeAll(async () => {
    const rec = (n: string) => join(RECORDINGS, `${n}.rec`);
    sim = await startSnmpsim(
      {
        public: rec('switch-a'),
        disordered: rec('disordered'),
        garbage: rec('garbage'),
        bigfdb: { text: bigFdb(10_200) },
        // Longer than any device budget below, however fast the poller gets (10,200 rows take under 2 s).
        hugefdb: { text: bigFdb(60_000) },
      },
      {
        v3: [
          '--v3-user=netspotter',
          '--v3-auth-key=authkey123',
          '--v3-auth-proto=SHA',
          '--v3-priv-key=privkey123',
          '--v3-priv-proto=AES',
          '--v3-user=authonly',
          '--v3-auth-key=authkey456',
          '--v3-auth-proto=MD5',
        ],
      },
    );
  }, 60_000);
  afterAll(async () => sim?.stop());

  it('unreachable host, wrong community, wrong v3 key: reported per target, the reachable ones still discovered', async () => {
    const r = await discover({
      timeoutMs: 500,
      retries: 0,
      targets: [
        v2('public'),
        {
          address: '127.0.0.1',
          port: 9,
          name: 'nothing-listening',
          credential: { version: 'v2c', community: 'public' },
        },
        v2('wrong-community'),
        {
          address: '127.0.0.1',
          port: sim.port,
          name: 'v3-authPriv',
          credential: {
            version: 'v3',
            user: 'netspotter',
            authProtocol: 'sha',
            authKey: 'authkey123',
            privProtocol: 'aes',
            privKey: 'privkey123',
            context: 'public',
          },
        },
        {
          address: '127.0.0.1',
          port: sim.port,
          name: 'v3-authNoPriv',
          credential: {
            version: 'v3',
            user: 'authonly',
            authProtocol: 'md5',
            authKey: 'authkey456',
            context: 'public',
          },
        },
        {
          address: '127.0.0.1',
          port: sim.port,
          name: 'v3-wrong-key',
          credential: {
            version: 'v3',
            user: 'netspotter',
            authProtocol: 'sha',
            authKey: 'not-the-key',
            privProtocol: 'aes',
            privKey: 'privkey123',
            context: 'public',
          },
        },
        { address: '::1', port: sim.port, name: 'ipv6', credential: { version: 'v2c', community: 'public' } },
      ],
    });
    const status = Object.fromEntries(r.report.map((x) => [x.target, x.status]));
    expect(status).toEqual({
      public: 'ok',
      'nothing-listening': 'timeout',
      'wrong-community': 'timeout',
      'v3-authPriv': 'ok',
      'v3-authNoPriv': 'ok',
      'v3-wrong-key': 'auth',
      ipv6: 'ok',
    });
    expect(r.unreachable.map((u) => u.target).sort()).toEqual([
      'nothing-listening',
      'v3-wrong-key',
      'wrong-community',
    ]);
    expect(r.unreachable.find((u) => u.target === 'v3-wrong-key')!.reason).toMatch(/authentication/i);
    // Four targets reach the same box (same chassis id and addresses): one device.
    expect(r.devices).toHaveLength(1);
    expect(r.devices[0]!.targets.sort()).toEqual(['ipv6', 'public', 'v3-authNoPriv', 'v3-authPriv']);
  }, 60_000);

  it('non-increasing OIDs stop the column with an issue instead of looping', async () => {
    const r = await discover({ targets: [v2('disordered')], includeFacts: true });
    expect(r.facts![0]!.interfaces.map((i) => i.ifDescr)).toEqual(['one', 'three']);
    expect(r.report[0]!.status).toBe('partial');
    expect(
      r.report[0]!.issues.some((i) => i.table === 'ifTable' && /non-increasing OID/.test(i.reason)),
    ).toBe(true);
  });

  it('10,000+ FDB rows are walked completely', async () => {
    const r = await discover({ targets: [v2('bigfdb')] });
    expect(r.report[0]!.status).toBe('ok');
    expect(r.neighbors[r.devices[0]!.id]!.fdb).toBe(10_200);
  }, 300_000);

  it('a device that takes longer than its time budget is cut short, reported partial, and the run goes on', async () => {
    const t0 = Date.now();
    // 2 s: switch-a needs about 0.6 s alone (more on a busy machine); the huge FDB far longer.
    const r = await discover({ targets: [v2('hugefdb'), v2('public')], deviceBudgetMs: 2000 });
    expect(Date.now() - t0).toBeLessThan(15_000); // the whole FDB walk alone takes longer here
    const [big, small] = r.report;
    expect(big!.status).toBe('partial');
    // Where the budget runs out depends on the machine's speed; the 60,000-row FDB is never finished.
    expect(
      big!.issues.filter((i) => i.reason === 'truncated: device time budget used up mid-table'),
    ).toHaveLength(1);
    expect(
      big!.issues.filter((i) => i.reason === 'skipped: device time budget used up').length,
    ).toBeGreaterThan(0);
    expect(r.neighbors[big!.device!]!.fdb).toBeLessThan(60_000);
    expect(small!.status).toBe('ok');
  }, 60_000);

  it('a row cap cuts a walk short and the report says so', async () => {
    const r = await discover({ targets: [v2('public')], maxRows: 2 });
    expect(r.report[0]!.status).toBe('partial');
    expect(r.report[0]!.issues).toContainEqual({ table: 'ifTable', reason: 'truncated at 2 rows' });
    expect(r.devices[0]!.interfaces).toHaveLength(2);
  });

  it('garbage values and malformed indexes are skipped without failing the device', async () => {
    const r = await discover({ targets: [v2('garbage')], includeFacts: true });
    expect(r.unreachable).toEqual([]);
    const f = r.facts![0]!;
    // A binary ifDescr is shown escaped and flagged with its octets; a binary sysName names nothing.
    expect(f.interfaces).toEqual([
      { ifIndex: 1, ifDescr: '\\xff\\x00\\xfe', rawNames: { ifDescr: 'ff00fe' } },
    ]);
    expect(f.addresses).toEqual([]);
    expect(f.neighbors).toEqual([]);
    expect(f.bridge.fdb).toEqual([]);
    expect(f.multicast).toEqual({ listeners: [], routes: [], pimNeighbors: [] });
    expect(r.devices[0]!.id).toBe('garbage');
  });
});
