// The Alerts and incident pages in real Chromium against the real server: a monitor cell turned lost by
// the agents' summaries fires an alert; the history lists it, an admin acknowledges and resolves it, and
// its incident shows the timeline and the affected cell. Axe finds no serious violation.
import { describe, expect, it } from 'vitest';
import { enrolAgent, type TestAgent } from '../../server/test/support/agent-calls.ts';
import { meshSummary } from '../../server/test/support/monitor-summaries.ts';
import { until } from '../../server/test/support/until.ts';
import { missingParts } from '../../test/support/system.ts';
import { seriousViolations } from './support/a11y.ts';
import { ADMIN_PASSWORD } from './support/app-server.ts';
import { CHROMIUM, screenshot, unexpectedErrors } from './support/browser.ts';
import { browserSuite } from './support/browser-suite.ts';

describe.skipIf(missingParts({ paths: [CHROMIUM] }))('Alerts and incident pages', { timeout: 90_000 }, () => {
  const agents: TestAgent[] = [];
  let alertId = '';
  const ui = browserSuite(
    async (app) => {
      const s = app.server;
      for (const name of ['al-1', 'al-2', 'al-3']) agents.push(await enrolAgent(s, name));
      const op = await s.as('operator');
      const m = await s.app.inject({
        method: 'POST',
        url: '/api/monitors',
        headers: op,
        payload: {
          name: 'alert-mesh',
          participants: agents.map((a) => ({ agent: a.name, interface: 'eth0' })),
          groups: [{ mode: 'asm', group: 'ff0e::db8:1401', port: 10_141 }],
          intervalSeconds: 1,
          beaconPps: 2,
        },
      });
      if (m.statusCode !== 201) throw new Error(m.body);
      const ids = { monitorId: m.json().id as string, groupId: m.json().groups[0].id as string };
      const rule = await s.app.inject({
        method: 'POST',
        url: '/api/alert-rules',
        headers: op,
        payload: { name: 'mesh cell lost', kinds: ['cell-state'], states: ['lost'], severity: 'critical' },
      });
      if (rule.statusCode !== 201) throw new Error(rule.body);
      const upload = async (start: number, lossFrom?: string) => {
        for (const a of agents)
          await a.call('/api/agent/monitors/summaries', {
            summaries: [meshSummary(ids, agents, a, start, a.name === 'al-3' ? lossFrom : undefined)],
          });
      };
      const now = Math.floor(Date.now() / 1000) * 1000;
      await upload(now - 2000);
      await upload(now - 1000);
      // Every cell ok first, so the loss reads as ok → lost.
      await until(
        () => s.ctx.db.prisma.event.count({ where: { condition: 'cleared' } }),
        (n) => n >= 6,
        10_000,
      );
      await upload(now, 'al-1');
      const firing = await until(
        () => s.ctx.db.prisma.alert.findFirst({ where: { state: 'firing' } }),
        (a) => a !== null,
        10_000,
      );
      if (!firing) throw new Error('no alert fired');
      alertId = firing.id;
    },
    { agentPlaintext: true },
  );

  it('lists the alert, acknowledges and resolves it, and shows its incident', async () => {
    await ui.logIn('admin', ADMIN_PASSWORD);
    await ui.page.goto(`${ui.app.url}/#/alerts`);
    const row = ui.page.locator(`tr[data-alert="${alertId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('al-1 → al-3: ok → lost');
    expect(await ui.page.getByRole('status').textContent()).toBe('1 firing, 1 in the history');
    expect(await seriousViolations(ui.page)).toEqual([]);
    await screenshot(ui.page, 'alerts-firing');

    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await ui.page.locator('.notice.info').filter({ hasText: 'Acknowledged: mesh cell lost' }).waitFor();
    await row.filter({ hasText: 'admin,' }).waitFor();
    await row.getByRole('button', { name: 'Resolve' }).click();
    await ui.page.locator('.notice.info').filter({ hasText: 'Resolved: mesh cell lost' }).waitFor();
    await ui.page.getByRole('status').filter({ hasText: '0 firing, 1 in the history' }).waitFor();

    await row.getByRole('link').click();
    await ui.page.getByRole('heading', { name: 'Incident: mesh cell lost' }).waitFor();
    const timeline = await ui.page.getByRole('table', { name: 'Timeline' }).textContent();
    expect(timeline).toContain('fired: mesh cell lost (critical)');
    expect(timeline).toContain('acknowledged by admin');
    expect(timeline).toContain('resolved by admin');
    expect(await ui.page.getByRole('table', { name: 'Affected cells' }).textContent()).toContain('lost');
    expect(await seriousViolations(ui.page)).toEqual([]);
    await screenshot(ui.page, 'incident');
    expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
  });
});
