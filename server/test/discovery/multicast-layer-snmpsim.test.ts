// The multicast layer of discovered routers: PIM adjacencies become links with their interfaces, and the
// layer says why it shows no group. Two hand-written PIM routers (recordings/pim-r*.rec) run everywhere;
// the recorded Juniper routers of the corpus (../shared/testdata/snmprec) run when it is present.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/discovery/discover.ts';
import { layerGraph } from '../../src/snapshots/graph.ts';
import { layerStatus } from '../../src/multicast/layer-status.ts';
import { groupEntries } from '../../src/multicast/groups.ts';
import { missingParts } from '../../../test/support/system.ts';
import { startSnmpsim, SNMPSIM, type Snmpsim } from './support/snmpsim.ts';
import { storedTopology } from './support/stored-topology.ts';

const RECORDINGS = join(dirname(fileURLToPath(import.meta.url)), 'recordings');
const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/testdata/snmprec');
const JUNIPER = ['onms-nms0001-oedipus', 'onms-nms0001-siegfrie', 'onms-nms0001-froh'];
const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd', 'snmpget'] });
// missingParts prints why the corpus part is skipped (e.g. "needs …/shared/testdata/snmprec/…").
const skipCorpus = skip || missingParts({ paths: JUNIPER.map((n) => join(CORPUS, `${n}.snmprec`)) });

let sim: Snmpsim;
const target = (community: string) => ({
  address: '127.0.0.1',
  port: sim.port,
  name: community,
  credential: { version: 'v2c' as const, community },
});
const pimLinks = (g: ReturnType<typeof layerGraph>, label: (id: string) => string) =>
  g.edges
    .filter((e) => e.evidence.includes('pim'))
    .map(
      (e) =>
        `${label(e.source)} ${e.sourcePort} — ${label(e.target)}${e.targetPort ? ` ${e.targetPort}` : ''}${e.confirmed ? ' confirmed' : ''}`,
    )
    .sort();

describe.skipIf(skip)('the multicast layer of discovered PIM routers', () => {
  beforeAll(async () => {
    const own = Object.fromEntries(['pim-r1', 'pim-r2'].map((n) => [n, join(RECORDINGS, `${n}.rec`)]));
    const corpus = skipCorpus
      ? {}
      : Object.fromEntries(JUNIPER.map((n) => [n, join(CORPUS, `${n}.snmprec`)]));
    sim = await startSnmpsim({ ...own, ...corpus });
  }, 120_000);
  afterAll(async () => sim?.stop());

  it('two routers that list each other as PIM neighbours: one confirmed link between their interfaces', async () => {
    const t = storedTopology(
      await discover({ targets: ['pim-r1', 'pim-r2'].map(target), includeFacts: true }),
    );
    expect(t.roles).toEqual({ 'pim-r1': 'router', 'pim-r2': 'router' });
    const g = layerGraph(t, 'multicast');
    expect(pimLinks(g, (id) => id)).toEqual(['pim-r1 ge-0/0/1 — pim-r2 eth7 confirmed']);
    // PIM answered, but nothing names a group: the layer says so.
    const status = layerStatus(t, groupEntries(t.multicast, [], []).length);
    expect(status.devices.map((d) => [d.label, d.tables.map((x) => `${x.outcome}:${x.rows}`)])).toEqual([
      ['pim-r1', ['none:0', 'none:0', 'rows:1']],
      ['pim-r2', ['none:0', 'none:0', 'rows:1']],
    ]);
    expect(status.empty).toBe(
      'no groups known: 2 of 2 devices returned multicast rows, but no listener, route, monitor or test names a group',
    );
  }, 60_000);

  it.skipIf(skipCorpus)(
    'recorded Juniper routers (nms0001): their PIM adjacencies are links of the layer',
    async () => {
      const r = await discover({ targets: JUNIPER.map(target), includeFacts: true });
      const t = storedTopology(r);
      const name = (id: string) => t.devices.find((d) => d.id === id)?.sysName ?? id.replace(/^pim:/, '');
      const port = (id: string, ifIndex: number) =>
        t.devices.find((d) => d.id === id)!.interfaces.find((i) => i.ifIndex === ifIndex)!.ifName;
      // oedipus and siegfried list each other; their other neighbours (10.1.0.5, 10.1.0.1) are not polled.
      expect(pimLinks(layerGraph(t, 'multicast'), name)).toEqual([
        'oedipus ae0.0 — siegfried ae0.0 confirmed',
        `oedipus ${port('oedipus', 515)} — 10.1.0.5`,
        `siegfried ${port('siegfried', 504)} — 10.1.0.1`,
      ]);
    },
    120_000,
  );
});
