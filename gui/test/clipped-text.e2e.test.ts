// No text cut off on the main pages at 1280×800: every page an admin reaches from the menu, with
// the data a fresh install has plus two enrolled agents, checked for HTML text hidden by its box's
// overflow and SVG text reaching past its SVG (the sequence diagram once clipped its empty-state hint).
import { describe, expect, it } from 'vitest';
import { missingParts } from '../../test/support/system.ts';
import { ADMIN_PASSWORD } from './support/app-server.ts';
import { CHROMIUM, screenshot, unexpectedErrors } from './support/browser.ts';
import { browserSuite } from './support/browser-suite.ts';
import { clippedText } from './support/clipped-text.ts';
import { enrolLabAgent } from './support/lab-agent.ts';

const PAGES = [
  'targets',
  'tasks',
  'sequences',
  'templates',
  'agents',
  'monitors',
  'results',
  'alerts',
  'topology',
  'audit',
] as const;

describe.skipIf(missingParts({ paths: [CHROMIUM] }))('text on the main pages', { timeout: 120_000 }, () => {
  const ui = browserSuite(async (app) => {
    await enrolLabAgent(app, 'tx', [
      { name: 'eth0', mac: '02:00:00:00:0a:01', addresses: ['2001:db8:a::1/64', 'fe80::a1'] },
    ]);
  });

  it('is not cut off anywhere at 1280×800', async () => {
    await ui.page.setViewportSize({ width: 1280, height: 800 });
    await ui.logIn('admin', ADMIN_PASSWORD);
    const clipped: Record<string, string[]> = {};
    for (const name of PAGES) {
      await ui.page.goto(`${ui.app.url}/#/${name}`);
      await ui.page.locator('main').waitFor();
      await ui.page.waitForLoadState('networkidle');
      // A new sequence without participants or steps: the narrowest diagram, with its empty-state hint.
      if (name === 'sequences') await ui.page.locator('svg.seq-diagram text.diagram-empty').waitFor();
      const found = await clippedText(ui.page);
      if (found.length) clipped[name] = found;
      await screenshot(ui.page, `text-${name}`);
    }
    expect(clipped).toEqual({});
    expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
  });
});
