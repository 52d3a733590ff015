// A new user's way from an empty install to a discovered map, a device page and a located MAC, without
// typing JSON, in Chromium against the real server, database and SNMP agents (snmpsim serving small
// recordings: switch-a and router-m from the discovery suite, and switch-b — an access switch with a
// host on an edge port — written for this suite). Each step saves a screenshot and passes axe-core.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SNMPSIM, startSnmpsim, type Snmpsim } from '../../server/test/discovery/support/snmpsim.ts';
import { missingParts } from '../../test/support/system.ts';
import { ADMIN_PASSWORD, startAppServer, type AppServer } from './support/app-server.ts';
import {
  CHROMIUM,
  SCREENSHOTS,
  launchBrowser,
  screenshot,
  unexpectedErrors,
  type Browser,
} from './support/browser.ts';
import { seriousViolations } from './support/a11y.ts';

const rec = (name: string) =>
  fileURLToPath(new URL(`../../server/test/discovery/recordings/${name}.rec`, import.meta.url));
const own = (name: string) => fileURLToPath(new URL(`./recordings/${name}.rec`, import.meta.url));
const missing = missingParts({ paths: [CHROMIUM], commands: SNMPSIM ? [] : ['snmpsimd'] });

describe.skipIf(missing)(
  'from an empty install to a map, a device page and a located MAC',
  { timeout: 180_000 },
  () => {
    let app: AppServer;
    let browser: Browser;
    let sim: Snmpsim;
    let page: Page;

    beforeAll(async () => {
      [sim, app, browser] = await Promise.all([
        startSnmpsim({
          'switch-a': rec('switch-a'),
          'router-m': rec('router-m'),
          'switch-b': own('switch-b'),
        }),
        startAppServer(),
        launchBrowser(),
      ]);
      page = await browser.newPage();
      await page.goto(app.url);
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByTestId('whoami').waitFor();
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await sim?.stop();
    });

    it('imports a pasted list with ports, discovers the selection in one click and shows the run’s report', async () => {
      await page.goto(`${app.url}/#/targets`);
      const p = sim.port;
      await page
        .getByLabel('Targets, one per line')
        .fill(
          [
            `127.0.0.1:${p} switch-b`,
            `[::1]:${p} router-m`,
            `127.0.0.1:${p} switch-a`,
            `127.0.0.2:${p + 1} nobody-home`,
          ].join('\n'),
        );
      await expect
        .poll(() => page.locator('.paste-summary').textContent())
        .toBe('4 good line(s), 0 bad line(s)');
      // The browser checks ranges against the server's limit, as the server will.
      await page.getByLabel('Targets, one per line').fill('10.0.0.0/8 public');
      await page.locator('.line-problem[data-line="1"]').waitFor();
      expect(await page.locator('.line-problem').textContent()).toMatch(/more than the limit of \d+/);
      await page
        .getByLabel('Targets, one per line')
        .fill(
          [
            `127.0.0.1:${p} switch-b`,
            `[::1]:${p} router-m`,
            `127.0.0.1:${p} switch-a`,
            `127.0.0.2:${p + 1} nobody-home`,
          ].join('\n'),
        );
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      const table = page.getByRole('table', { name: 'Targets' });
      await expect.poll(() => table.locator('tbody tr').count()).toBe(4);
      // Two targets at 127.0.0.1 and this port: their credentials differ. Addresses sort as numbers.
      const addresses = await table.locator('tbody tr td:nth-child(2)').allTextContents();
      expect(addresses).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.2', '::1']);
      expect(await table.textContent()).toContain('not polled yet');
      expect(await table.textContent()).toContain('v2c for 127.0.0.1 #2'); // two credentials for one address, told apart
      await screenshot(page, 'workflow-1-targets-imported');

      // Everything but the unreachable one, selected with the mouse: no JSON, no ids.
      await page.getByLabel('Select all targets').check();
      await page.getByLabel('Select 127.0.0.2').uncheck();
      await page.getByRole('button', { name: 'Discover now' }).click();
      await page.waitForURL(/#\/results\?run=/);
      await expect
        .poll(() => page.getByTestId('run-state').textContent(), { timeout: 60_000 })
        .toBe('succeeded');
      const report = page.getByRole('table', { name: 'Per-target report' });
      await report.waitFor();
      expect(await report.locator('tbody tr').count()).toBe(3);
      expect(await report.textContent()).toContain('switch-b');
      await screenshot(page, 'workflow-2-discovery-run');
      expect(await seriousViolations(page)).toEqual([]);

      await page.goto(`${app.url}/#/targets`);
      await expect.poll(() => table.textContent()).toContain('switch-b');
      expect(await table.textContent()).toContain('not polled yet'); // the one left out
      await screenshot(page, 'workflow-3-targets-after-discovery');
      expect(await seriousViolations(page)).toEqual([]);
      expect(unexpectedErrors(browser.errors)).toEqual([]);
    });

    it('opens a device page with words for every state, its ports, neighbours, ARP and FDB; back returns', async () => {
      await page.goto(`${app.url}/#/devices`);
      await page.getByRole('link', { name: 'switch-b' }).click();
      await page.getByTestId('device-page').waitFor();
      expect(page.url()).toContain('#/devices/switch-b');
      const identity = await page.locator('.identity').textContent();
      expect(identity).toContain('Lab rack 3');
      expect(identity).toContain('C2960X');
      expect(identity).toMatch(/Uptime14 d 6 h 56 min/);
      const ports = page.getByRole('table', { name: 'Ports' });
      const gi6 = ports.locator('tr[data-ifindex="6"]');
      expect(await gi6.textContent()).toContain('down');
      const gi1 = ports.locator('tr[data-ifindex="1"]');
      expect(await gi1.textContent()).toContain('switch-a');
      expect(await gi1.textContent()).toContain('forwarding');
      expect(await ports.locator('tr[data-ifindex="5"]').textContent()).toMatch(
        /desk 12.*Ethernet.*up.*up.*1 Gbit\/s/,
      );
      const lldp = page.getByRole('table', { name: 'LLDP neighbours' });
      expect(await lldp.locator('tbody tr').first().textContent()).toMatch(/^Gi0\/1switch-a/);
      expect(await lldp.textContent()).toContain('MAC address'); // the chassis id subtype, in words
      expect(await page.getByRole('table', { name: 'FDB' }).textContent()).toContain('learned');
      expect(await page.getByRole('table', { name: 'ARP and ND' }).textContent()).toContain('192.0.2.50');
      const text = (await page.getByTestId('device-page').textContent())!;
      expect(text).not.toMatch(/\{"|\[object/);
      // Sorting and filtering
      await ports.getByRole('button', { name: 'Port' }).click();
      await ports.getByRole('button', { name: 'Port' }).click();
      expect(await ports.locator('tbody tr td:first-child').first().textContent()).toBe('Vl10');
      await page.getByLabel('Filter Ports').fill('desk');
      expect(await ports.locator('tbody tr').count()).toBe(1);
      await screenshot(page, 'workflow-4-device-page');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole('button', { name: '← Back' }).click();
      await page.waitForURL(/#\/devices$/);
      // "show on the map" opens the map with the device selected.
      await page.getByRole('link', { name: 'switch-b' }).click();
      await page.getByRole('link', { name: 'show on the map' }).click();
      await expect
        .poll(() => page.getByTestId('device-detail').locator('h3').textContent(), { timeout: 30_000 })
        .toBe('switch-b');
      expect(page.url()).toContain('node=switch-b');
      expect(unexpectedErrors(browser.errors)).toEqual([]);
    });

    it('finds where a MAC lives (edge port, ARP pairing, when seen) in any notation, and a chassis MAC', async () => {
      await page.goto(`${app.url}/#/topology`);
      await page.keyboard.press('/');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('global-search');
      await page.keyboard.type('0200.0000.0E05');
      await page.keyboard.press('Enter');
      const hits = page.getByTestId('search-hits');
      await hits.waitFor();
      const host = hits.locator('li[data-kind="host"]');
      expect(await host.textContent()).toMatch(
        /02:00:00:00:0e:05 ↔ 192\.0\.2\.50 \(ARP\/ND\).*on edge port switch-b Gi0\/5/,
      );
      expect(await host.textContent()).toContain('Seen in the snapshot of');
      await screenshot(page, 'workflow-5-mac-located');
      expect(await seriousViolations(page)).toEqual([]);
      await host.getByRole('link', { name: 'Gi0/5' }).click();
      await page.getByTestId('port-panel').waitFor();
      expect(await page.getByTestId('port-panel').textContent()).toContain('02:00:00:00:0e:05');
      await screenshot(page, 'workflow-6-port-page');

      // A MAC learned only on the uplink is not placed on it as if it were an edge port.
      await page.goto(`${app.url}/#/search?q=02-00-00-00-0E-01`);
      expect(await page.getByTestId('search-hits').textContent()).toMatch(
        /behind uplink switch-b Gi0\/1 towards switch-a/,
      );
      await page.goto(`${app.url}/#/search?q=02:00:00:00:aa:00`);
      expect(
        await page.getByTestId('search-hits').locator('li[data-kind="device"]').first().textContent(),
      ).toContain('switch-a');
      expect(unexpectedErrors(browser.errors)).toEqual([]);
    });

    it('draws the run’s map with its state in the URL, zoom and fit, a colour key, positions kept per user, and exports', async () => {
      const [snapshot] = (await (await page.request.get(`${app.url}/api/snapshots?limit=1`)).json()) as {
        id: string;
        runId: string;
      }[];
      await page.goto(`${app.url}/#/results?run=${snapshot!.runId}`);
      await page.getByTestId('snapshot-map').click();
      const legend = page.locator('.legend');
      await expect.poll(() => legend.textContent(), { timeout: 30_000 }).toMatch(/^\d+ nodes, \d+ links/);
      expect(page.url()).toMatch(
        new RegExp(`snapshot=${snapshot!.id}.*layer=l2|layer=l2.*snapshot=${snapshot!.id}`),
      );
      const key = page.getByRole('list', { name: 'Colour key' });
      expect(await key.locator('li').allTextContents()).toEqual(
        expect.arrayContaining(['switch', 'router', 'link seen from both ends']),
      );

      // Zoom buttons change the drawing; Fit brings the whole map back.
      const box = page.getByTestId('topology-canvas');
      const before = await box.screenshot();
      await page.getByRole('button', { name: 'Zoom in' }).click();
      await page.getByRole('button', { name: 'Zoom in' }).click();
      await expect.poll(async () => (await box.screenshot()).equals(before)).toBe(false);
      await page.getByRole('button', { name: 'Zoom out' }).click();
      await page.getByRole('button', { name: 'Fit' }).click();

      // The selected node is part of the URL: a reload shows the same layer and node.
      await page.locator('#search').fill('switch-b');
      await page.locator('#search').press('Enter');
      await expect.poll(() => page.url()).toContain('node=switch-b');
      await page.reload();
      await expect
        .poll(() => page.locator('.detail').textContent(), { timeout: 30_000 })
        .toContain('switch-b');
      const linked = page.getByTestId('device-detail').getByRole('table', { name: 'Linked ports' });
      expect(await linked.textContent()).toMatch(/Gi0\/1switch-a Et1up.*forwarding/);
      expect(await page.getByTestId('device-detail').textContent()).not.toMatch(/\{"|\[object/);
      expect(await page.locator('#layer').inputValue()).toBe('l2');
      expect(await page.locator('#snap').inputValue()).toBe(snapshot!.id);
      // Where the layout put the nodes is stored for this user on the server.
      await expect
        .poll(async () =>
          Object.keys(await (await page.request.get(`${app.url}/api/map/positions/l2`)).json()),
        )
        .toContain('switch-b');
      await screenshot(page, 'workflow-7-map');
      expect(await seriousViolations(page)).toEqual([]);

      const save = async (name: string) => {
        const [file] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name }).click(),
        ]);
        return { name: file.suggestedFilename(), body: await readFile((await file.path())!) };
      };
      const png = await save('Export PNG');
      expect(png.name).toMatch(/^topology-l2-.*\.png$/);
      expect(png.body.subarray(1, 4).toString()).toBe('PNG');
      await writeFile(join(SCREENSHOTS, 'workflow-8-map-export.png'), png.body);
      // The whole map at twice its drawn scale, not the part in view: as wide as the nodes' spread × 2.
      const graphml = (await save('Export GraphML')).body.toString();
      const xs = [...graphml.matchAll(/<data key="x">([-\d.e]+)<\/data>/g)].map((m) => Number(m[1]));
      expect(xs.length).toBeGreaterThanOrEqual(3);
      expect(png.body.readUInt32BE(16)).toBeGreaterThanOrEqual(2 * (Math.max(...xs) - Math.min(...xs)));
      expect(png.body.readUInt32BE(20)).toBeGreaterThan(200); // the map, then the key and caption below it
      const svg = await save('Export SVG');
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        return {
          error: doc.querySelector('parsererror')?.textContent ?? null,
          nodes: doc.querySelectorAll('g[data-id]').length,
          text: doc.documentElement.textContent,
        };
      }, svg.body.toString());
      expect(parsed.error).toBeNull();
      expect(parsed.nodes).toBeGreaterThanOrEqual(3);
      expect(parsed.text).toMatch(/Netspotter · L2 · snapshot of .* · exported /);
      for (const [name, root] of [
        ['Export GraphML', 'graphml'],
        ['Export draw.io', 'mxfile'],
      ] as const) {
        const file = await save(name);
        const ok = await page.evaluate(
          ([text, tag]) => {
            const doc = new DOMParser().parseFromString(text, 'application/xml');
            return (
              !doc.querySelector('parsererror') &&
              doc.documentElement.tagName === tag &&
              text.includes('switch-b')
            );
          },
          [file.body.toString(), root] as const,
        );
        expect(ok, name).toBe(true);
      }
      expect(unexpectedErrors(browser.errors)).toEqual([]);
    });

    it('passes axe-core on every page, light and dark; the theme toggle and Esc work', async () => {
      const pages = [
        'targets',
        'tasks',
        'templates',
        'sequences',
        'results',
        'topology',
        'monitors',
        'monitors/new',
        'agents',
        'audit',
        'devices',
        'devices/switch-b',
        'search?q=switch',
      ];
      const found: string[] = [];
      for (const theme of ['light', 'dark'] as const) {
        await page.goto(`${app.url}/#/targets`);
        const toggle = page.locator('.theme-toggle');
        while ((await toggle.textContent()) !== `Theme: ${theme}`) await toggle.click();
        for (const path of pages) {
          await page.goto(`${app.url}/#/${path}`);
          await page.locator('main h1').waitFor();
          await page.waitForLoadState('networkidle');
          found.push(...(await seriousViolations(page)).map((v) => `${theme} #/${path}: ${v}`));
        }
        await page.goto(`${app.url}/#/devices/switch-b`);
        await page.getByTestId('device-page').waitFor();
        await screenshot(page, `workflow-9-device-${theme}`);
      }
      expect(found).toEqual([]);
      // Esc closes the schedule dialog opened last.
      await page.goto(`${app.url}/#/targets`);
      await page.getByRole('button', { name: 'Schedule…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Schedule a discovery' });
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect(unexpectedErrors(browser.errors)).toEqual([]);
    });
  },
);
