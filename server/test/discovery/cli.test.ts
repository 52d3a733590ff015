// `netspotter discover` end to end, inside a network namespace made here: two snmpsim agents on
// 2001:db8:ff::1 and ::2; the target file names only the first, --follow finds the second via LLDP.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveryResult } from '../../src/discovery/result.ts';
import { missingParts } from '../../../test/support/system.ts';
import { startSnmpsim, SNMPSIM, type Snmpsim } from './support/snmpsim.ts';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '../../../bin/netspotter.js');
const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd', 'snmpget', 'ip'], root: true });
const NS = `nsdisc${process.pid}`;
const ip = (...args: string[]) => {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
};

describe.skipIf(skip)('netspotter discover (CLI)', () => {
  const sims: Snmpsim[] = [];
  let dir: string;
  beforeAll(async () => {
    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    for (const a of ['2001:db8:ff::1', '2001:db8:ff::2'])
      ip('-n', NS, 'addr', 'add', `${a}/128`, 'dev', 'lo', 'nodad');
    sims.push(
      await startSnmpsim(
        { public: join(here, 'recordings/follow-seed.rec') },
        { netns: NS, endpoint: '[2001:db8:ff::1]:161' },
      ),
    );
    sims.push(
      await startSnmpsim(
        { public: join(here, 'recordings/follow-peer.rec') },
        { netns: NS, endpoint: '[2001:db8:ff::2]:161' },
      ),
    );
    dir = mkdtempSync(join(tmpdir(), 'netspotter-cli-'));
  }, 60_000);
  afterAll(async () => {
    for (const s of sims) await s.stop();
    spawnSync('ip', ['netns', 'del', NS]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => {
    const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, BIN, 'discover', ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('--json with --follow: the JSON document of the issue, the followed neighbour, progress lines on stderr', () => {
    const file = join(dir, 'targets.txt');
    writeFileSync(file, '# seed only\n2001:db8:ff::1 public\nnot-an-address\n');
    const r = run(
      '--targets',
      file,
      '--json',
      '--follow',
      '1',
      '--allow',
      '2001:db8:ff::/64',
      '--timeout',
      '1000',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/targets\.txt:3: .*not an IPv4 or IPv6 address/);
    expect(r.stderr).toMatch(/discover: 1\/1 2001:db8:ff::1\n/);
    expect(r.stderr).toMatch(/discover: 2\/2 2001:db8:ff::2\n/);
    const doc = JSON.parse(r.stdout) as DiscoveryResult;
    expect(doc.devices.map((d) => d.id).sort()).toEqual(['peer', 'seed']);
    const seed = doc.devices.find((d) => d.id === 'seed')!;
    expect(seed).toMatchObject({
      sysName: 'seed',
      sysObjectID: '1.3.6.1.4.1.8072.3.2.10',
      vendor: 'Net-SNMP',
      addresses: ['2001:db8:ff::1'],
      chassisId: '02:00:00:00:00:a1',
    });
    expect(seed.interfaces).toEqual([{ ifIndex: 2, ifName: 'eth-a', ifDescr: 'eth-a' }]);
    expect(doc.links).toContainEqual({
      layer: 'l2',
      a: { device: 'seed', ifIndex: 2, ifName: 'eth-a' },
      b: { device: 'peer', ifIndex: 2, ifName: 'eth-b' },
      evidence: ['lldp'],
      confirmed: true,
    });
    expect(doc.links.filter((l) => l.layer === 'l3').map((l) => l.evidence)).toEqual([['subnet']]);
    expect(doc.neighbors).toEqual({
      seed: { ipv6: 0, ipv4: 0, fdb: 0, lldp: 1, cdp: 0 },
      peer: { ipv6: 0, ipv4: 0, fdb: 0, lldp: 1, cdp: 0 },
    });
    expect(doc.multicast).toMatchObject({ groups: [], routes: [] });
    expect(doc.unreachable).toEqual([]);
  });

  it('without --follow only the listed target is polled; unreachable targets are reported, not fatal', () => {
    const file = join(dir, 'targets2.txt');
    writeFileSync(file, '2001:db8:ff::1\n[2001:db8:ff::9]:161\n');
    const r = run('--targets', file, '--json', '--timeout', '300', '--retries', '0');
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as DiscoveryResult;
    expect(doc.devices.map((d) => d.id)).toEqual(['seed']);
    expect(doc.links.filter((l) => l.layer === 'l2')).toEqual([
      {
        layer: 'l2',
        a: { device: 'seed', ifIndex: 2, ifName: 'eth-a' },
        b: { unmanaged: 'unmanaged:02:00:00:00:00:b2', port: 'eth-b' },
        evidence: ['lldp'],
        confirmed: false,
      },
    ]);
    expect(doc.unreachable).toEqual([
      { target: '2001:db8:ff::9', reason: expect.stringMatching(/^network: ENETUNREACH/) },
    ]);
  });

  it('a file without usable targets is an error', () => {
    const file = join(dir, 'empty.txt');
    writeFileSync(file, '# nothing\n');
    const r = run('--targets', file);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/no usable targets/);
  });
});
