// Real Chromium (Debian's) driven by playwright-core, with a fresh profile per launch, collecting
// every console error and uncaught page error so tests can assert there were none.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/e2e/', import.meta.url));

const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  /** Console errors and warnings and page errors since launch, as text. */
  errors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'netspotter-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 900 },
    // The app server uses the certificate it generated on first start, as a fresh install does.
    ignoreHTTPSErrors: true,
  });
  // Fail an action well before the test's own timeout, so the report names the step.
  context.setDefaultTimeout(15_000);
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()} (${msg.location().url})`);
      // A warning is a defect too (e.g. a library complaining about how it is used).
      if (msg.type() === 'warning') errors.push(`console warning: ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => errors.push(`page: ${err.message}`));
  };
  context.on('page', watch);
  context.pages().forEach(watch);
  return {
    context,
    errors,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Console errors other than Chromium's own log line for an HTTP error response the test provoked
 * on purpose (e.g. the 400 of a refused import); the app itself must log none. The 401 of the
 * "who am I" probe when a page opens without a session is expected on every fresh visit. Chromium
 * aborts requests in flight with ERR_NETWORK_CHANGED when the host's interfaces change (lab suites
 * running beside this one add and remove veths): the host's doing, not the app's.
 */
export function unexpectedErrors(errors: string[], provoked: number[] = []): string[] {
  const logged = (e: string, status: number) => e.includes(`the server responded with a status of ${status}`);
  return errors.filter(
    (e) =>
      !provoked.some((s) => logged(e, s)) &&
      !(logged(e, 401) && e.includes('/api/auth/me)')) &&
      !e.includes('net::ERR_NETWORK_CHANGED'),
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
