// An injected fault seen the way an engineer would: the monitored receiver rx1 loses the (S,G) (its
// summaries say nothing arrived), a cell alert fires, and the server polls the expected path's devices —
// snmpsim agents whose counters show SW's uplink taking packets in while p4 toward rx1 sends nothing out.
// In Chromium: the alert in the list, its incident page naming SW p4 (out) with the evidence, the tree
// branch marked as suspected, and the map opened on the group's tree with SW selected and marked.
import { afterAll, describe, expect, it } from 'vitest';
import { SNMPSIM } from '../../server/test/discovery/support/snmpsim.ts';
import { monitoredFixture } from '../../server/test/multicast/support/monitored.ts';
import { G } from '../../server/test/multicast/support/fixture.ts';
import {
  countingNetwork,
  FAST_LOCALISATION,
  type CountingNetwork,
} from '../../server/test/alerts/support/counting-network.ts';
import { until } from '../../server/test/support/until.ts';
import { missingParts } from '../../test/support/system.ts';
import { seriousViolations } from './support/a11y.ts';
import { ADMIN_PASSWORD } from './support/app-server.ts';
import { CHROMIUM, screenshot, unexpectedErrors } from './support/browser.ts';
import { browserSuite } from './support/browser-suite.ts';

const missing = missingParts({ paths: [CHROMIUM] }) ?? (SNMPSIM ? undefined : 'snmpsim is not installed');

describe.skipIf(missing)('a localised fault in the GUI', { timeout: 120_000 }, () => {
  let net: CountingNetwork | undefined;
  let incidentId = '';
  const ui = browserSuite(
    async (app) => {
      const s = app.server;
      const f = await monitoredFixture(s);
      net = await countingNetwork(() => s);
      await net.snapshotThrough('127.0.0.1', '127.0.0.2');
      await s.ctx.alertWatchers.checkSnapshots();
      const rule = await s.app.inject({
        method: 'POST',
        url: '/api/alert-rules',
        headers: await s.as('operator'),
        payload: {
          name: 'receiver lost',
          kinds: ['cell-state'],
          monitorId: f.monitorId,
          severity: 'critical',
        },
      });
      if (rule.statusCode !== 201) throw new Error(rule.body);
      // Both receivers served, then rx1 gets nothing: the fault.
      await f.beacons([true, true]);
      await new Promise((r) => setTimeout(r, 1100));
      await f.beacons([false, true]);
      const localised = await until(
        () => s.ctx.db.prisma.incident.findFirst({ where: { localisation: { not: { equals: null } } } }),
        (i) => i !== null && JSON.stringify(i.localisation).includes('"p4"'),
        20_000,
      );
      incidentId = localised!.id;
    },
    { agentPlaintext: true, ...FAST_LOCALISATION },
  );

  afterAll(async () => {
    await net?.sim.stop();
  });

  it('shows the alert, the incident with the suspected hop marked, and the hop on the map', async () => {
    await ui.logIn('admin', ADMIN_PASSWORD);
    await ui.page.goto(`${ui.app.url}/#/alerts`);
    const row = ui.page.locator('tr.alert-firing').filter({ hasText: 'rx1' });
    await row.waitFor();
    expect(await row.textContent()).toContain('receiver lost');
    await row.getByRole('link').click();

    await ui.page.getByRole('heading', { name: 'Incident: receiver lost' }).waitFor();
    expect(ui.page.url()).toContain(incidentId);
    const suspects = ui.page.getByRole('table', { name: 'Suspected hops' });
    const first = suspects.locator('tbody tr').first();
    await first.waitFor();
    const cells = await first.locator('td').allTextContents();
    expect(cells.slice(1, 3)).toEqual(['out', 'p4']);
    expect(Number.parseInt(cells[4]!, 10)).toBeGreaterThanOrEqual(80);
    expect(cells[5]).toBe('rx1'); // agents by name, not by id
    expect(await ui.page.getByRole('table', { name: 'Affected cells' }).locator('a').textContent()).toBe(
      'tree',
    );
    expect(cells[6]).toMatch(/p5 \(in\) rose by \d+ packets/);
    // The tree when the alert fired: the branch out of SW p4 is the suspected one, said in words.
    const marked = ui.page.locator('tr.suspect');
    expect(await marked.count()).toBe(1);
    const branch = await marked.locator('td').allTextContents();
    expect(branch.slice(0, 2)).toEqual(['SW', 'p4']);
    expect(branch[5]).toMatch(/^suspected: forwarding stops out of this port \(\d+ %\)$/);
    expect(await seriousViolations(ui.page)).toEqual([]);
    await screenshot(ui.page, 'incident-localised');

    await ui.page.getByRole('link', { name: 'Show on the map' }).click();
    await ui.page.waitForURL(/#\/topology\?/);
    expect(await ui.page.getByLabel('Layer').inputValue()).toBe('multicast');
    expect(await ui.page.getByLabel('Group', { exact: true }).inputValue()).toBe(G);
    const differences = ui.page.getByRole('list', { name: 'Differences' });
    await differences.locator('li', { hasText: 'rx1' }).waitFor({ timeout: 30_000 });
    const selected = await ui.page.waitForFunction(() => {
      const cy = (
        document.querySelector('[data-testid="topology-canvas"]') as unknown as {
          _cyreg?: { cy?: { $(s: string): { map(f: (n: { id(): string }) => string): string[] } } };
        }
      )?._cyreg?.cy;
      const ids = cy?.$('node:selected').map((n) => n.id()) ?? [];
      return ids.length ? ids : null;
    });
    expect(await selected.jsonValue()).toEqual(['SW']);
    await screenshot(ui.page, 'incident-hop-on-map');
    expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
  });
});
