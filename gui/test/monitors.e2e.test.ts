// The Monitors pages in Chromium against the real server with three real agents in namespaces behind a
// snooping bridge (the monitors lab): a monitor created through the form (a bad group first, its error
// shown beside the field), its matrix turning green, beacons dropped on one bridge port turning exactly
// that receiver's cells red, the matrix as it was before the fault, and the lost cell's series with
// its state change marked. Axe passes and screenshots at each step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { missingParts } from '../../test/support/system.ts';
import { dropOnBridgePort, startMonitorLab, type MonitorLab } from '../../test/lab/monitor-lab.ts';
import { ADMIN_PASSWORD } from '../../test/lab/netspotter-processes.ts';
import { CHROMIUM, launchBrowser, screenshot, unexpectedErrors, type Browser } from './support/browser.ts';
import { freshPage, logIn } from './support/session.ts';
import { seriousViolations } from './support/a11y.ts';

const skip = missingParts({ commands: ['ip', 'bridge', 'nft'], root: true, paths: [CHROMIUM] });
const HOSTS = ['h1', 'h2', 'h3'];
const ASM = 'ff0e::db8:13:71';
const SSM = 'ff3e::db8:1372';
const PORT = 10_113;
const INTERVAL_S = 2;

/** The states of a group's cells by `source>receiver` as the page shows them. */
const shownStates = (page: Page, group: string) =>
  page
    .locator(`figure.heatmap[data-group="${group}"] button.heat-cell`)
    .evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-cell'), e.getAttribute('data-state')])),
    );

describe.skipIf(skip)('monitors in the GUI with real agents', { timeout: 240_000 }, () => {
  let ml: MonitorLab;
  let browser: Browser;
  let page: Page;
  let faultFrom = 0;

  beforeAll(async () => {
    [ml, browser] = await Promise.all([
      startMonitorLab(HOSTS, { interfaces: ['eth0'], maxBeaconPps: 50 }),
      launchBrowser(),
    ]);
    page = await freshPage(browser);
    await page.setViewportSize({ width: 1280, height: 900 });
    await logIn(page, `https://127.0.0.1:${ml.server.port}`, 'admin', ADMIN_PASSWORD);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await ml?.down();
  });

  it('creates a monitor through the form (a bad group is named beside its field) and its matrix turns green', async () => {
    await page.getByRole('link', { name: 'Monitors' }).click();
    await page.getByText('No monitors yet').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'New monitor' }).click();
    await page.getByLabel('Name', { exact: true }).fill('gui-mesh');
    // Every agent is ticked as sender and receiver on eth0: a full mesh.
    for (const h of HOSTS)
      await expect(page.getByLabel(`lab-${h}`, { exact: true }).isChecked()).resolves.toBe(true);
    await page.getByLabel('Group 1 address').fill('ff0e::zz');
    await page.getByLabel('Group 1 UDP port').fill(String(PORT));
    await page.getByLabel('Beacons per second').fill('5');
    await page.getByLabel('Interval (s)').fill(String(INTERVAL_S));
    await page.getByRole('button', { name: 'Create monitor' }).click();
    const groupField = page.locator('.field', { has: page.getByLabel('Group 1 address') });
    await groupField.locator('.field-error').getByText('is not an IPv6 multicast group').waitFor();
    expect(await page.getByLabel('Group 1 address').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'monitor-form-field-error');

    await page.getByLabel('Group 1 address').fill(ASM);
    await page.getByRole('button', { name: 'Add group' }).click();
    await page.getByLabel('Group 2 mode').selectOption('ssm');
    await page.getByLabel('Group 2 address').fill(SSM);
    await page.getByLabel('Group 2 UDP port').fill(String(PORT));
    // The SSM source is picked from the sending participants, each shown with its address.
    const sources = await page.getByLabel('Group 2 source').locator('option').allTextContents();
    expect(sources.map((t) => t.replace(/ \(.*/, ''))).toEqual(HOSTS.map((h) => `lab-${h}`));
    for (const [i, h] of HOSTS.entries())
      expect(sources[i]).toContain(ml.lab.hosts.find((x) => x.name === h)!.address);
    await page.getByLabel('Group 2 source').selectOption('$lab-h1');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create monitor' }).click();
    await page.waitForURL(/#\/monitors\/[^/]+$/);

    // 6 ASM cells (a full mesh of 3) and 2 SSM cells (h1 to the others), all ok.
    const t0 = Date.now();
    await page.waitForFunction(
      () =>
        document.querySelectorAll('button.heat-cell').length === 8 &&
        document.querySelectorAll('button.heat-cell[data-state="ok"]').length === 8,
      undefined,
      { timeout: 30_000, polling: 250 },
    );
    console.log(`monitors e2e: matrix all ok ${((Date.now() - t0) / 1000).toFixed(1)} s after creation`);
    expect(await page.getByTestId('freshness').textContent()).toMatch(
      /Live · 8 ok · newest summary \d+ s ago/,
    );
    await screenshot(page, 'monitor-matrix-green');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('drops beacons on the bridge port to h3: exactly its ASM cells turn red, and the slider shows the matrix before', async () => {
    faultFrom = Date.now();
    const undo = await dropOnBridgePort(ml.lab, 'h3', ASM, PORT);
    try {
      await page.waitForFunction(
        (g) =>
          ['lab-h1>lab-h3', 'lab-h2>lab-h3'].every(
            (c) =>
              document
                .querySelector(`figure.heatmap[data-group="${g}"] button[data-cell="${c}"]`)
                ?.getAttribute('data-state') === 'lost',
          ),
        ASM,
        { timeout: 30_000, polling: 250 },
      );
      expect(await shownStates(page, ASM)).toEqual({
        'lab-h2>lab-h1': 'ok',
        'lab-h3>lab-h1': 'ok',
        'lab-h1>lab-h2': 'ok',
        'lab-h3>lab-h2': 'ok',
        'lab-h1>lab-h3': 'lost',
        'lab-h2>lab-h3': 'lost',
      });
      expect(await shownStates(page, SSM)).toEqual({ 'lab-h1>lab-h2': 'ok', 'lab-h1>lab-h3': 'ok' });
      const lost = page.locator(`figure.heatmap[data-group="${ASM}"] button[data-cell="lab-h1>lab-h3"]`);
      // The interval that turned the cell lost may carry no loss figure yet (the sender's count decided);
      // the next one does: hover again (the matrix is redrawn every interval) until it shows.
      const tip = page.getByRole('tooltip');
      await expect
        .poll(
          async () => {
            await page.mouse.move(0, 0);
            await lost.hover();
            return tip.textContent();
          },
          { timeout: 15_000, interval: 1000 },
        )
        .toMatch(/^lab-h1 → lab-h3: lostloss 100% .*join latency [\d.]+ ms/);
      await screenshot(page, 'monitor-matrix-fault');

      // The matrix as it was one interval before the fault: all green, and not live.
      await page.locator('#matrix-time').evaluate(
        (el, at) => {
          const input = el as HTMLInputElement;
          input.value = String(at);
          input.dispatchEvent(new Event('input'));
          input.dispatchEvent(new Event('change'));
        },
        Math.floor(faultFrom / 1000) - INTERVAL_S,
      );
      await page.getByTestId('freshness').getByText('As it was at').waitFor();
      await page.waitForFunction(
        () => document.querySelectorAll('button.heat-cell[data-state="ok"]').length === 8,
        undefined,
        { timeout: 10_000 },
      );
      await screenshot(page, 'monitor-matrix-before-fault');
      await page.getByRole('button', { name: 'Live' }).click();
      await page.getByTestId('freshness').getByText('Live ·').waitFor();
    } finally {
      await undo();
    }
  });

  it("opens the lost cell's series: four charts with the change to lost marked and listed", async () => {
    await page.locator(`figure.heatmap[data-group="${ASM}"] button[data-cell="lab-h1>lab-h3"]`).click();
    const series = page.getByTestId('cell-series');
    await series.getByRole('heading', { name: 'lab-h1 → lab-h3' }).waitFor();
    await series.getByText(/\d+ points, 2 s apart \(raw intervals\)/).waitFor({ timeout: 15_000 });
    expect(await series.locator('.series-chart .u-title').allTextContents()).toEqual([
      'Loss (%)',
      'Delay (ms)',
      'Jitter (ms)',
      'Join latency (ms)',
    ]);
    expect(await series.locator('.series-chart canvas').count()).toBe(4);
    await series
      .getByRole('table', { name: 'State changes' })
      .getByText(/→ lost/)
      .waitFor();
    // The charts open on the monitor's last minute, not squeezed into the hour: moving the cursor from the
    // right edge leftwards (the lost intervals carry no loss figure) reads one in the legend.
    const loss = series.locator('.series-chart').first();
    const over = loss.locator('.u-over');
    const value = loss.locator('.u-legend .u-series').nth(1).locator('.u-value');
    const box = (await over.boundingBox())!;
    const read: string[] = [];
    for (let x = 0.95; x > 0.3 && !/^\d/.test(read.at(-1) ?? ''); x -= 0.05) {
      await over.hover({ position: { x: box.width * x, y: box.height / 2 } });
      read.push((await value.textContent()) ?? '');
    }
    expect(read.at(-1), read.join(' ')).toMatch(/^\d/);
    // Zooming in narrows every chart's time axis alike.
    await series.getByRole('button', { name: 'Zoom in' }).click();
    await screenshot(page, 'monitor-cell-series');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('makes receiver h2 leave from the page: its three cells turn red, marked as left; it rejoins and they turn green', async () => {
    await page.getByRole('button', { name: 'Leave: lab-h2' }).click();
    await page.getByText('lab-h2 on eth0: left (operator)').waitFor();
    const h2Cells = (states: Record<string, string | null>, want: string) =>
      ['lab-h1>lab-h2', 'lab-h3>lab-h2'].every((c) => states[c] === want);
    await page.waitForFunction(
      ([asm, ssm]) =>
        ['lab-h1>lab-h2', 'lab-h3>lab-h2'].every(
          (c) =>
            document
              .querySelector(`figure[data-group="${asm}"] button[data-cell="${c}"]`)
              ?.getAttribute('data-state') === 'lost',
        ) &&
        document
          .querySelector(`figure[data-group="${ssm}"] button[data-cell="lab-h1>lab-h2"]`)
          ?.getAttribute('data-state') === 'lost',
      [ASM, SSM],
      { timeout: 30_000, polling: 250 },
    );
    expect(h2Cells(await shownStates(page, ASM), 'lost')).toBe(true);
    expect(
      await page
        .locator(`figure.heatmap[data-group="${ASM}"] button[data-cell="lab-h1>lab-h2"]`)
        .getAttribute('aria-label'),
    ).toContain('receiver left (operator)');
    await screenshot(page, 'monitor-receiver-left');
    await page.getByRole('button', { name: 'Rejoin: lab-h2' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('button.heat-cell[data-state="ok"]').length === 8,
      undefined,
      { timeout: 30_000, polling: 250 },
    );
    expect(await page.getByTestId('freshness').textContent()).toMatch(/Live · 8 ok/);
  });

  it('lists the monitor with its cell states and freshness', async () => {
    await page.getByRole('link', { name: 'Monitors' }).click();
    const row = page.getByRole('row', { name: /gui-mesh/ });
    await row.getByText('8 ok').waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toMatch(/running.*newest summary \d+ s ago/);
    await screenshot(page, 'monitors-list');
    expect(await seriousViolations(page)).toEqual([]);
    expect(unexpectedErrors(browser.errors, [400])).toEqual([]);
  });
});
