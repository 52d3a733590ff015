// The multicast layer in Chromium: the groups list picked from (nothing typed), the picked (S,G)'s tree
// with the router's RPF interface, state and counters, the receivers getting beacons and the receiver
// expected but not served, marked on the map. The snapshot is the server tests' fixture network (R1 routes
// (S,G) to the snooping switch SW); the agents and the monitor speak the real API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { missingParts } from '../../test/support/system.ts';
import { G, S } from '../../server/test/multicast/support/fixture.ts';
import { monitoredFixture } from '../../server/test/multicast/support/monitored.ts';
import { ADMIN_PASSWORD, startAppServer, type AppServer } from './support/app-server.ts';
import { CHROMIUM, launchBrowser, screenshot, unexpectedErrors, type Browser } from './support/browser.ts';
import { logIn } from './support/session.ts';
import { seriousViolations } from './support/a11y.ts';

const missing = missingParts({ paths: [CHROMIUM] });

describe.skipIf(missing)('the multicast layer in the GUI', { timeout: 120_000 }, () => {
  let app: AppServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startAppServer({ agentPlaintext: true }), launchBrowser()]);
    const lab = await monitoredFixture(app.server);
    await lab.beacons([true, false]);
    page = await browser.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('pick a group from the list and see its tree, the receivers and the difference on the map', async () => {
    await logIn(page, app.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${app.url}/#/topology`);
    await page.getByLabel('Layer').selectOption('multicast');
    const list = page.getByRole('table', { name: 'Known flows' });
    const row = list.locator('tr', { hasText: G });
    await row.waitFor({ timeout: 30_000 });
    // Counts per source: 2 listener rows, 1 route, 1 monitor, no test.
    expect((await row.locator('td').allTextContents()).slice(2)).toEqual(['2', '1', '1', '0']);
    await row.locator(`button[data-source="${S}"]`).click();

    const tree = page.getByTestId('multicast-tree');
    await tree.waitFor({ timeout: 30_000 });
    expect(await page.getByLabel('Group', { exact: true }).inputValue()).toBe(G);
    const router = page.getByRole('table', { name: 'Router state' }).locator('tr[data-router="R1"] td');
    expect(await router.allTextContents()).toEqual([
      'R1',
      `(${S}, G)`,
      'eth0',
      '—',
      'eth1',
      '1200',
      '144000',
      expect.any(String),
    ]);
    const receivers = page.getByRole('table', { name: 'Monitored receivers' });
    await expect
      .poll(() => receivers.locator('tr[data-receiver="rx1"] td').nth(1).textContent(), { timeout: 20_000 })
      .toBe('ok');
    expect(await receivers.locator('tr[data-receiver="rx2"] td').nth(3).textContent()).toBe('SW p6 (FDB)');
    expect(await receivers.locator('tr[data-receiver="rx1"] td').nth(4).textContent()).toBe(
      'R1 [eth0→eth1] → SW [p5→p4]',
    );
    const differences = page.getByRole('list', { name: 'Differences' });
    expect(await differences.locator('li').allTextContents()).toEqual([
      `expected, not served: rx2 on SW p6 is on the expected (S,G) tree of (${S}, ${G}) but gets no beacons (never-seen)`,
    ]);
    // The map draws the tree's edges and marks the switch where expected and actual differ.
    const legend = page.locator('.legend');
    await expect.poll(() => legend.textContent()).toMatch(/^\d+ nodes, [1-9]\d* links/);
    expect(await legend.textContent()).toContain(
      'red border: expected and actual trees differ (SW: expected, not served)',
    );
    const border = await page.evaluate(() => {
      const cy = (
        document.querySelector('[data-testid="topology-canvas"]') as unknown as { _cyreg?: { cy?: unknown } }
      )?._cyreg?.cy as { getElementById(id: string): { style(p: string): string } } | undefined;
      return cy?.getElementById('SW').style('border-color');
    });
    expect(border).toMatch(/rgb\(221,\s*51,\s*51\)/);
    await screenshot(page, 'multicast-group-tree');
    expect(await seriousViolations(page)).toEqual([]);
    expect(unexpectedErrors(browser.errors)).toEqual([]);
  });
});
