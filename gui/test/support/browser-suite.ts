// The frame of a browser suite: one real server and one Chromium for the describe block it is called
// in, and a fresh page (no cookies, no errors from the test before) for each test.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './browser.ts';
import { startAppServer, type AppServer } from './app-server.ts';
import { freshPage, logIn } from './session.ts';

export interface BrowserSuite {
  readonly app: AppServer;
  readonly browser: Browser;
  readonly page: Page;
  /** Logs in through the form on this test's page. */
  logIn(username: string, password: string): Promise<void>;
}

/**
 * Call inside a describe block; `setUp` runs once the server is up (enrol agents, add users); `config`
 * overrides server settings.
 */
export function browserSuite(
  setUp?: (app: AppServer) => Promise<void>,
  config?: Parameters<typeof startAppServer>[0],
): BrowserSuite {
  let app: AppServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const started = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`the browser suite's ${what} is not started (used outside a test?)`);
    return x;
  };
  beforeAll(async () => {
    [app, browser] = await Promise.all([startAppServer(config), launchBrowser()]);
    await setUp?.(app);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  beforeEach(async () => {
    page = await freshPage(started(browser, 'browser'));
  });
  return {
    get app() {
      return started(app, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    get page() {
      return started(page, 'page');
    },
    logIn: (username, password) =>
      logIn(started(page, 'page'), started(app, 'server').url, username, password),
  };
}
