// The steps every browser test starts with: a fresh page without the last test's cookies or
// errors, and logging in through the form.
import type { Page } from 'playwright-core';
import type { Browser } from './browser.ts';

export async function freshPage(browser: Browser): Promise<Page> {
  await browser.context.clearCookies();
  browser.errors.length = 0;
  return browser.newPage();
}

export async function logIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('whoami').waitFor();
}
