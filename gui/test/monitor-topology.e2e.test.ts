// A monitor on the topology page in Chromium: a real discovery (snmpsim serving the discovery suite's
// recordings) draws switch-a and an LLDPv2 switch; two stand-in agents on those devices' addresses speak the real
// agent protocol over HTTPS (enrolment, heartbeat, monitor summaries) and report one cell lost. Picking
// the monitor colours the receivers by state and rings both ends of the lost cell (told in words too).
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNMPSIM, startSnmpsim, type Snmpsim } from '../../server/test/discovery/support/snmpsim.ts';
import { discoverThroughApi } from '../../server/test/discovery/support/api-discovery.ts';
import { missingParts } from '../../test/support/system.ts';
import { ADMIN_PASSWORD, startAppServer, type AppServer } from './support/app-server.ts';
import { CHROMIUM, launchBrowser, screenshot, unexpectedErrors, type Browser } from './support/browser.ts';
import { enrolLabAgent, type LabAgent } from './support/lab-agent.ts';
import { freshPage, logIn } from './support/session.ts';
import { seriousViolations } from './support/a11y.ts';

const rec = (name: string) =>
  fileURLToPath(new URL(`../../server/test/discovery/recordings/${name}.rec`, import.meta.url));
const missing = missingParts({ paths: [CHROMIUM], commands: SNMPSIM ? [] : ['snmpsimd'] });
const INTERVAL_MS = 60_000;

describe.skipIf(missing)('a monitor on the topology', { timeout: 120_000 }, () => {
  let app: AppServer;
  let browser: Browser;
  let sim: Snmpsim;

  beforeAll(async () => {
    [sim, app, browser] = await Promise.all([
      startSnmpsim({ 'switch-a': rec('switch-a'), lldpv2: rec('lldpv2') }),
      startAppServer(),
      launchBrowser(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sim?.stop();
  });

  it("colours the monitor's receivers by state and rings a lost cell's source and receiver", async () => {
    const op = await app.server.as('operator');
    const inject = async (method: 'GET' | 'POST', url: string, payload?: object) =>
      (await app.server.app.inject({ method, url, headers: op, ...(payload && { payload }) })).json();
    await discoverThroughApi(app.server, op, sim.port, [
      ['127.0.0.1', 'switch-a'],
      ['::1', 'lldpv2'],
    ]);
    const [snap] = await inject('GET', '/api/snapshots?limit=1');
    const l3 = (await inject('GET', `/api/topology?layer=l3&snapshot=${snap.id}`)) as {
      nodes: { label: string; addresses: string[] }[];
    };
    // Two polled devices with addresses: an agent on each (tx on the second, rx on the first), both
    // sending and receiving (a full mesh of two cells).
    const [rxNode, txNode] = l3.nodes.filter((n) => n.addresses.length > 0);
    expect(txNode, JSON.stringify(l3.nodes)).toBeDefined();
    const agents: LabAgent[] = [];
    for (const [name, node, mac] of [
      ['tx', txNode!, '02:00:00:00:0c:01'],
      ['rx', rxNode!, '02:00:00:00:0c:02'],
    ] as const)
      agents.push(await enrolLabAgent(app, name, [{ name: 'eth0', mac, addresses: [node.addresses[0]!] }]));
    const [tx, rx] = agents as [LabAgent, LabAgent];
    const monitor = await inject('POST', '/api/monitors', {
      name: 'topo-mon',
      participants: agents.map((a) => ({ agent: a.name, interface: 'eth0' })),
      groups: [{ mode: 'asm', group: 'ff0e::db8:13:99', port: 10_199 }],
      intervalSeconds: INTERVAL_MS / 1000,
    });
    expect(monitor.id, JSON.stringify(monitor)).toEqual(expect.any(String));
    const group = monitor.groups[0].id as string;
    // Two finished intervals: all 60 beacons each way in the first; in the second rx heard none of tx's
    // (lost, not never-seen: tx's beacons had reached it before).
    const last = Math.floor(Date.now() / INTERVAL_MS) * INTERVAL_MS - INTERVAL_MS;
    const summary = (from: LabAgent, received: number, intervalStart: number) => ({
      id: randomUUID(),
      monitorId: monitor.id,
      intervalStart,
      intervalMs: INTERVAL_MS,
      sent: [{ group, epoch: 1, count: 60, lastSeq: (intervalStart / INTERVAL_MS) * 60 + 59 }],
      received: [
        {
          group,
          joined: true,
          sources: [
            {
              source: from.id,
              epoch: 1,
              received,
              lost: 60 - received,
              duplicates: 0,
              reordered: 0,
              hops: 0,
            },
          ],
        },
      ],
    });
    for (const me of [tx, rx])
      expect((await me.call('/api/agent/heartbeat', { t0: Date.now() })).status).toBe(200);
    for (const [start, rxHeard] of [
      [last - INTERVAL_MS, 60],
      [last, 0],
    ] as const) {
      for (const [me, r] of [
        [tx, await tx.call('/api/agent/monitors/summaries', { summaries: [summary(rx, 60, start)] })],
        [rx, await rx.call('/api/agent/monitors/summaries', { summaries: [summary(tx, rxHeard, start)] })],
      ] as const)
        expect(r.status, `${me.name}: ${JSON.stringify(r.json)}`).toBe(200);
    }

    const page = await freshPage(browser);
    await page.setViewportSize({ width: 1280, height: 900 });
    await logIn(page, app.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${app.url}/#/topology`);
    await page.getByLabel('Layer').selectOption('l3');
    await page.getByLabel('Monitor').selectOption({ label: 'topo-mon' });
    const note = page.getByTestId('monitor-note');
    await expect
      .poll(() => note.textContent(), { timeout: 20_000 })
      .toContain(`${rxNode!.label}: rx lost (end of a lost cell)`);
    expect(await note.textContent()).toContain(`${txNode!.label}: tx ok (end of a lost cell)`);
    // The choice is kept in the URL: a reload shows the same overlay.
    expect(page.url()).toContain(`monitor=${monitor.id}`);
    await screenshot(page, 'topology-monitor-overlay');
    expect(await seriousViolations(page)).toEqual([]);
    expect(unexpectedErrors(browser.errors)).toEqual([]);
  });
});
