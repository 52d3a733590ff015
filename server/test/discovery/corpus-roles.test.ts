// Roles of recorded real devices (../shared/testdata/snmprec via snmpsim) judged from what they do:
// a Juniper MX routes (remote routes, IP forwarding) though it also bridges, an access switch with
// a management default route is a switch.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/discovery/discover.ts';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { deviceRole } from '../../src/snapshots/roles.ts';
import { missingParts } from '../../../test/support/system.ts';
import { startSnmpsim, SNMPSIM, type Snmpsim } from './support/snmpsim.ts';

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/testdata/snmprec');
const EXPECTED = {
  junos_vmx: 'router',
  ios_2960x: 'switch',
  junos_qfx5100: 'switch',
  arista_eos: 'switch',
  ios_c3560: 'switch',
  cumulus_bgp: 'router',
} as const;
const files = Object.keys(EXPECTED).map((n) => join(CORPUS, `${n}.snmprec`));
const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd', 'snmpget'], paths: files });

describe.skipIf(skip)('device roles of recorded real devices', () => {
  let sim: Snmpsim;
  const roles: Record<string, string> = {};

  beforeAll(async () => {
    const names = Object.keys(EXPECTED);
    sim = await startSnmpsim(Object.fromEntries(names.map((n) => [n, join(CORPUS, `${n}.snmprec`)])));
    const r = await discover({
      targets: names.map((n) => ({
        address: '127.0.0.1',
        port: sim.port,
        name: n,
        credential: { version: 'v2c', community: n },
      })),
      includeFacts: true,
    });
    for (const d of r.devices) {
      const facts: DeviceFacts[] = (r.facts ?? []).filter((f) => d.targets.includes(f.target));
      for (const t of d.targets) roles[t] = deviceRole(facts);
    }
  }, 120_000);
  afterAll(async () => sim?.stop());

  it.each(Object.entries(EXPECTED))('%s is a %s', (name, role) => {
    expect(existsSync(join(CORPUS, `${name}.snmprec`))).toBe(true);
    expect(roles[name]).toBe(role);
  });
});
