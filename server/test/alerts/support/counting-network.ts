// The multicast fixture network (R1 routes the monitored (S,G) to the snooping switch SW, receivers rx1
// behind SW p4 and rx2 behind p6) discovered through targets that snmpsim answers with moving counters:
// R1 forwards; SW's uplink p5 takes packets in but p4 sends nothing out. A second pair of addresses
// answers as the same network where R1's route lost its next hop toward SW. Used by the localisation
// API test and the incident page's browser test.
import type { TestServer } from '../../support/test-server.ts';
import { startSnmpsim, type Snmpsim } from '../../discovery/support/snmpsim.ts';
import { discovered, labFacts } from '../../multicast/support/fixture.ts';
import { saveSnapshot } from '../../../src/snapshots/store.ts';

const IN = '1.3.6.1.2.1.31.1.1.1.8';
const OUT = '1.3.6.1.2.1.31.1.1.1.12';
const rising = (oid: string) => `${oid}|70:numeric|rate=40,initial=1000`;
/** R1's (S,G) route for the monitored flow (ff3e::1234 from 2001:db8:1::11): ipMcastRoutePkts. */
const ROUTE_PKTS =
  '1.3.6.1.2.1.168.1.5.1.19.2.16.255.62.0.0.0.0.0.0.0.0.0.0.0.0.18.52.128.2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.17.128';
const RECORDINGS = {
  // R1: in on eth0 (ifIndex 1), out on eth1 (ifIndex 2), both rising.
  'r1-secret': [rising(`${IN}.1`), rising(`${OUT}.2`)].join('\n') + '\n',
  // SW: in on p5 rising, out on p4 flat, p6 (rx2) rising.
  'sw-secret': [rising(`${IN}.5`), `${OUT}.4|70|777`, rising(`${OUT}.6`)].join('\n') + '\n',
  // R1 again, its route's packets rising but no next hop row left on eth1 (which other flows keep busy)…
  'r1-noroute': [rising(`${IN}.1`), rising(`${OUT}.2`), rising(ROUTE_PKTS)].join('\n') + '\n',
  // …so nothing reaches SW for the flow: p5 in and p4 out flat.
  'sw-quiet': [`${IN}.5|70|5000`, `${OUT}.4|70|777`].join('\n') + '\n',
};

/** Server settings that poll the path quickly enough for a test. */
export const FAST_LOCALISATION = { localisationPeriodMs: 300, localisationRequestsPerSecond: 20 };

export interface CountingNetwork {
  sim: Snmpsim;
  /** Stores the network as discovered with R1 and SW at these simulator addresses. */
  snapshotThrough(r1: string, sw: string): Promise<void>;
}

/** Starts the simulator and stores each address as a target with its community (operator's API). */
export async function countingNetwork(s: () => TestServer): Promise<CountingNetwork> {
  const sim = await startSnmpsim(
    Object.fromEntries(Object.entries(RECORDINGS).map(([k, text]) => [k, { text }])),
    { alsoOn: ['127.0.0.2', '127.0.0.3', '127.0.0.4'] },
  );
  const snapshotThrough = async (r1: string, sw: string) => {
    const targetOf: Record<string, string> = { R1: `${r1}:${sim.port}`, SW: `${sw}:${sim.port}` };
    await saveSnapshot(
      s().ctx.db,
      null,
      discovered(labFacts().map((d) => ({ ...d, target: targetOf[d.system.sysName ?? ''] ?? d.target }))),
    );
  };
  for (const [address, community] of [
    ['127.0.0.1', 'r1-secret'],
    ['127.0.0.2', 'sw-secret'],
    ['127.0.0.3', 'r1-noroute'],
    ['127.0.0.4', 'sw-quiet'],
  ] as const) {
    const r = await s().app.inject({
      method: 'POST',
      url: '/api/targets',
      headers: await s().as('operator'),
      payload: { address, port: sim.port, credential: { version: 'v2c', community } },
    });
    if (r.statusCode !== 201) throw new Error(r.body);
  }
  return { sim, snapshotThrough };
}
