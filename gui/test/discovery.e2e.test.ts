// Discovery from the GUI against real SNMP agents (snmpsim serving the discovery suite's small
// recordings): credentials and targets entered in the forms, the task run with its progress, then
// the devices on the topology canvas, a device's tables found by search, and the unreachable target.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Core } from 'cytoscape';
import { SNMPSIM, startSnmpsim, type Snmpsim } from '../../server/test/discovery/support/snmpsim.ts';
import { missingParts } from '../../test/support/system.ts';
import { seriousViolations } from './support/a11y.ts';
import { clippedText } from './support/clipped-text.ts';
import { ADMIN_PASSWORD, startAppServer, type AppServer } from './support/app-server.ts';
import { CHROMIUM, launchBrowser, screenshot, unexpectedErrors, type Browser } from './support/browser.ts';
import { enrolLabAgent, reportLoadRun } from './support/lab-agent.ts';

const rec = (name: string) =>
  fileURLToPath(new URL(`../../server/test/discovery/recordings/${name}.rec`, import.meta.url));
const GROUP = 'ff3e::db8:1234';
const missing = missingParts({ paths: [CHROMIUM], commands: SNMPSIM ? [] : ['snmpsimd'] });

describe.skipIf(missing)('discovery in the GUI', { timeout: 120_000 }, () => {
  let app: AppServer;
  let browser: Browser;
  let sim: Snmpsim;
  let page: Page;

  beforeAll(async () => {
    [sim, app, browser] = await Promise.all([
      startSnmpsim({ 'switch-a': rec('switch-a'), 'router-m': rec('router-m') }),
      startAppServer(),
      launchBrowser(),
    ]);
    page = await browser.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sim?.stop();
  });

  async function addTarget(address: string, port: number, community: string) {
    const cred = page.getByRole('form', { name: 'New credential' });
    await cred.getByLabel('Name').fill(community);
    await cred.getByLabel('Community').fill(community);
    await cred.getByRole('button', { name: 'Add credential' }).click();
    await page
      .getByRole('table', { name: 'Credentials' })
      .getByRole('cell', { name: new RegExp(`^${community} `) })
      .waitFor();
    const form = page.getByRole('form', { name: 'Add target' });
    await form.getByLabel('Address or range').fill(address);
    await form.getByLabel('Port').fill(String(port));
    // options read "NAME · v2c community ••••" (masked): pick ours by its name
    const option = form.getByLabel('Credential').locator('option', { hasText: `${community} ·` });
    await form.getByLabel('Credential').selectOption((await option.getAttribute('value'))!);
    await form.getByRole('button', { name: 'Add target' }).click();
    await page
      .getByRole('table', { name: 'Targets' })
      .getByRole('cell', { name: address, exact: true })
      .waitFor();
  }

  it('runs a discovery and shows the devices, a device’s tables and the unreachable target', async () => {
    await page.goto(app.url);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('whoami').waitFor();

    await page.goto(`${app.url}/#/targets`);
    await addTarget('127.0.0.1', sim.port, 'switch-a');
    await addTarget('::1', sim.port, 'router-m');
    await addTarget('127.0.0.2', sim.port + 1, 'nobody-home');

    await page.goto(`${app.url}/#/tasks`);
    const form = page.getByRole('form', { name: 'New task' });
    await form.getByLabel('Name').fill('lab discovery');
    await form.getByLabel('Kind').selectOption('discovery');
    // Arguments from the kind's schema: numbers with their bounds, targets picked, no JSON typed.
    await form.getByLabel('Timeout (ms)').fill('500');
    await form.getByLabel('Retries').fill('0');
    expect(await form.getByRole('group', { name: 'Targets' }).getByRole('checkbox').count()).toBe(3);
    await form.getByRole('button', { name: 'Create task' }).click();
    await page.getByRole('button', { name: 'Run now: lab discovery' }).click();
    const runs = page.getByRole('table', { name: 'Runs' });
    await runs.locator('.state-succeeded').waitFor({ timeout: 60_000 });
    expect(await runs.locator('td.message').first().textContent()).toMatch(
      /^2 devices, \d+ L2 and \d+ L3 links, 1 unreachable$/,
    );
    expect(await runs.textContent()).toContain('done · 3/3');
    await screenshot(page, 'discovery-run');

    await page.goto(`${app.url}/#/topology`);
    const legend = page.locator('.legend');
    // the two polled devices plus the neighbours they announce but we do not poll
    await expect.poll(() => legend.textContent(), { timeout: 30_000 }).toMatch(/^\d+ nodes, \d+ links/);
    expect(Number(/^(\d+) nodes/.exec((await legend.textContent())!)![1])).toBeGreaterThanOrEqual(2);
    await page.getByLabel('Find').fill('switch-a');
    await page.getByLabel('Find').press('Enter');
    const detail = page.getByTestId('device-detail');
    await detail.waitFor();
    expect(await detail.locator('h3').textContent()).toBe('switch-a');
    expect(
      await detail.getByRole('table', { name: 'Linked ports' }).locator('tbody tr').count(),
    ).toBeGreaterThan(0);
    const report = page.getByRole('table', { name: 'Unreachable targets' });
    expect(await report.textContent()).toContain(`127.0.0.2:${sim.port + 1}`);
    await screenshot(page, 'discovery-topology');

    // The targets table says who reached each target: these have no site, so the server itself.
    await page.goto(`${app.url}/#/targets`);
    const targets = page.getByRole('table', { name: 'Targets' });
    const row = targets.locator('tbody tr', { hasText: 'switch-a' }).first();
    await row.waitFor();
    // Headers read once the rows are there (the table is drawn after its data arrives).
    const polledBy = await targets.locator('thead th').allTextContents();
    expect(
      polledBy.some((t) => t.startsWith('Polled by')),
      polledBy.join(' | '),
    ).toBe(true);
    const cells = await row.locator('td').allTextContents();
    expect(cells[polledBy.findIndex((t) => t.startsWith('Polled by'))]).toBe('server');
    expect(unexpectedErrors(browser.errors)).toEqual([]);
  });

  it('draws the multicast overlay with listeners and the test agents, and a load run’s receiver on the topology', async () => {
    // A stand-in receiver agent on a discovered device: it reports one of the device's addresses.
    const inject = async (url: string) =>
      (await app.server.app.inject({ method: 'GET', url, headers: await app.server.as('operator') })).json();
    const [snap] = await inject('/api/snapshots?limit=1');
    const graph = await inject(`/api/topology?layer=multicast&snapshot=${snap.id}&group=${GROUP}`);
    const router = graph.nodes.find((n: { listeners?: number }) => n.listeners);
    expect(router).toMatchObject({ label: 'router-m' });
    // The multicast layer carries no addresses; the L3 layer of the same snapshot does (router-m's
    // recording has none, switch-a's has 2001:db8:10::1).
    const l3 = await inject(`/api/topology?layer=l3&snapshot=${snap.id}`);
    const host = l3.nodes.find((n: { addresses: string[] }) => n.addresses.some((a) => a.includes(':')));
    expect(host).toMatchObject({ label: 'switch-a' });
    const address: string = host.addresses.find((a: string) => a.includes(':'));
    const rx = await enrolLabAgent(
      app,
      'rx',
      [{ name: 'eth0', mac: '02:00:00:00:0b:01', addresses: [address] }],
      { interfaces: ['eth0'], maxPps: 5000 },
    );
    const tx = await enrolLabAgent(app, 'tx', [
      { name: 'eth0', mac: '02:00:00:00:0a:01', addresses: ['2001:db8:77::1'] },
    ]);
    const op = await app.server.as('operator');
    const task = (
      await app.server.app.inject({
        method: 'POST',
        url: '/api/tasks',
        headers: op,
        payload: {
          name: 'load to the listeners',
          kind: 'load',
          args: {
            group: GROUP,
            senders: [{ agent: 'tx', interface: 'eth0' }],
            receivers: [{ agent: 'rx', interface: 'eth0' }],
            pps: 50,
            durationMs: 3000,
            startDelayMs: 200,
          },
        },
      })
    ).json();
    const run = (
      await app.server.app.inject({ method: 'POST', url: `/api/tasks/${task.id}/run`, headers: op })
    ).json();
    await reportLoadRun(tx, rx, [50, 44, 50], [0.7, 1.9, 0.8]);

    await page.goto(`${app.url}/#/topology`);
    await page.getByLabel('Layer').selectOption('multicast');
    await page.getByLabel('Group', { exact: true }).fill(GROUP);
    await page.getByLabel('Group', { exact: true }).press('Tab'); // change event redraws
    const legend = page.locator('.legend');
    await expect
      .poll(() => legend.textContent(), { timeout: 30_000 })
      .toContain('violet halo: agents that took part in tests (rx on switch-a)');
    expect(await legend.textContent()).toMatch(/amber ring: listeners \(1 nodes\)/);
    await screenshot(page, 'topology-multicast-overlay');

    await page.goto(`${app.url}/#/results?run=${run.id}`);
    const placed = page.locator('.placements li[data-receiver="rx (receiver)"]');
    await placed.waitFor({ timeout: 20_000 });
    expect(await placed.textContent()).toBe(
      `rx (receiver) → switch-a (${address.split('/')[0]!.toLowerCase()})`,
    );
    // 6 of 150 lost: 4 % is amber on the loss scale, on the list and on the node.
    expect(await placed.locator('.loss-dot').getAttribute('style')).toContain('#e07b00');
    await page.getByTestId('receivers-topology').locator('canvas').first().waitFor();
    await screenshot(page, 'results-receivers-on-topology');

    // The Agents list shows each agent's interfaces and the local policy it reported.
    await page.goto(`${app.url}/#/agents`);
    const rxRow = page.getByRole('table', { name: 'Agents' }).locator('tr', { hasText: 'rx' }).first();
    await rxRow.waitFor();
    expect(await rxRow.textContent()).toContain(`eth0 02:00:00:00:0b:01 ${address}`);
    expect(await rxRow.textContent()).toContain('only eth0 · at most 5000 pps');
    // No site: it polls nobody's targets (an admin's "Site…" button gives it one).
    expect(await rxRow.textContent()).toContain('no site');
    expect(await rxRow.getByRole('button', { name: 'Set the site of rx' }).isEnabled()).toBe(true);
    await screenshot(page, 'agents-interfaces-policy');
    expect(unexpectedErrors(browser.errors)).toEqual([]);
  });

  it('builds a load test in a form: agents and interfaces picked, the packet previewed as it will be sent', async () => {
    await page.goto(`${app.url}/#/tasks`);
    const form = page.getByRole('form', { name: 'New task' });
    await form.getByLabel('Name').fill('load from the form');
    await form.getByLabel('Kind').selectOption('load');
    await form.getByLabel('Group').fill(GROUP);
    const sender = form.getByRole('group', { name: 'Sender 1' });
    await sender.getByLabel('Agent').selectOption('tx');
    await sender.getByLabel('Interface').selectOption('eth0');
    const receiver = form.getByRole('group', { name: 'Receiver 1' });
    await receiver.getByLabel('Agent').selectOption('rx');
    await receiver.getByLabel('Interface').selectOption('eth0');
    await form.getByLabel('Packets per second').fill('200');
    await form.getByLabel('Frame size (bytes)').fill('200');
    const words = form.getByTestId('load-preview-words');
    await expect
      .poll(() => words.textContent())
      .toBe(
        `200 bytes: Ethernet 02:00:00:00:0a:01 → 33:33:0d:b8:12:34, IPv6 2001:db8:77::1 → ${GROUP} hop limit 8, ` +
          'UDP 5000 → 5000, test signature (stream, sequence, send time) and padding',
      );
    expect((await form.getByTestId('hex-view').getAttribute('data-hex'))?.slice(0, 24)).toBe(
      '33330db81234020000000a01',
    );
    await screenshot(page, 'task-form-load-preview');
    expect(await seriousViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Create task' }).click();
    await page.getByRole('button', { name: 'Run now: load from the form' }).waitFor();
    const op = await app.server.as('operator');
    const tasks = (await app.server.app.inject({ method: 'GET', url: '/api/tasks', headers: op })).json();
    expect(tasks.find((t: { name: string }) => t.name === 'load from the form').args).toMatchObject({
      group: GROUP,
      senders: [{ agent: 'tx', interface: 'eth0' }],
      receivers: [{ agent: 'rx', interface: 'eth0' }],
      pps: 200,
      frameSize: 200,
    });
    expect(unexpectedErrors(browser.errors)).toEqual([]);
  });

  it('compares two snapshots as text beside the colours: a device left out is "not polled", not removed', async () => {
    const op = await app.server.as('operator');
    const inject = async (method: 'GET' | 'POST', url: string, payload?: object) =>
      (await app.server.app.inject({ method, url, headers: op, ...(payload && { payload }) })).json();
    const targets: { id: string; address: string }[] = await inject('GET', '/api/targets');
    const task = await inject('POST', '/api/tasks', {
      name: 'switch only',
      kind: 'discovery',
      args: {
        timeoutMs: 500,
        retries: 0,
        targetIds: targets.filter((t) => t.address === '127.0.0.1').map((t) => t.id),
      },
    });
    const run = await inject('POST', `/api/tasks/${task.id}/run`);
    await expect
      .poll(async () => (await inject('GET', `/api/runs/${run.id}`)).state, { timeout: 60_000 })
      .toBe('succeeded');
    const [newest, older] = await inject('GET', '/api/snapshots?limit=2');

    await page.goto(`${app.url}/#/topology?snapshot=${newest.id}&diff=${older.id}`);
    const changes = page.getByRole('region', { name: 'Changes' });
    await expect
      .poll(() => changes.textContent(), { timeout: 30_000 })
      .toMatch(/router-m not polled \(not polled in this run\); [1-9]\d* links? unverified/);
    expect(await changes.textContent()).not.toMatch(/device router-m is gone/);
    expect(await page.getByRole('list', { name: 'Colour key' }).textContent()).toContain(
      'not polled this time',
    );
    await screenshot(page, 'topology-diff-not-polled');
    expect(await seriousViolations(page)).toEqual([]);
    expect(unexpectedErrors(browser.errors)).toEqual([]);
  });

  it('groups the map by subnet in boxes that close and open on a click, the choice kept in the URL', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${app.url}/#/topology`);
    await page.locator('.legend').waitFor();
    await page.getByLabel('Group by').selectOption('subnet');
    const legend = page.locator('.legend');
    await expect.poll(() => legend.textContent(), { timeout: 30_000 }).toContain('grouped by subnet');
    expect(page.url()).toContain('groupBy=subnet');
    type Box = { id: string; members: number; closed: boolean; x: number; y: number };
    const boxes = () =>
      page.evaluate(() => {
        const cy = (
          document.querySelector('[data-testid="topology-canvas"]') as unknown as {
            _cyreg: { cy: Core };
          }
        )._cyreg.cy;
        return cy.nodes('.group-box').map((n) => {
          const bb = n.renderedBoundingBox({});
          // A point inside the box's frame but beside its members: its lower left corner.
          return {
            id: n.id(),
            members: n.children().length,
            closed: n.hasClass('collapsed'),
            x: bb.x1 + 5,
            y: bb.y2 - 5,
          };
        });
      }) as Promise<Box[]>;
    const open = await boxes();
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((b) => !b.closed && b.members > 0 && b.id.startsWith('group:subnet:'))).toBe(true);
    await screenshot(page, 'topology-grouped-by-subnet');
    // The toolbar's fields and the map's key show their text whole at 1280×800.
    expect(await clippedText(page)).toEqual([]);

    const box = page.getByTestId('topology-canvas');
    const at = (await box.boundingBox())!;
    const first = open[0]!;
    await page.mouse.click(at.x + first.x, at.y + first.y);
    await expect.poll(async () => (await boxes()).find((b) => b.id === first.id)?.closed).toBe(true);
    expect(decodeURIComponent(page.url())).toContain(`fold=${first.id}`);
    await screenshot(page, 'topology-grouped-one-closed');
    // A reload shows the same map: the grouping and the closed box come from the URL.
    await page.reload();
    await expect
      .poll(async () => (await boxes()).find((b) => b.id === first.id)?.closed, { timeout: 30_000 })
      .toBe(true);
    expect(await page.getByLabel('Group by').inputValue()).toBe('subnet');
    expect(await seriousViolations(page)).toEqual([]);
    expect(unexpectedErrors(browser.errors)).toEqual([]);
  });
});
