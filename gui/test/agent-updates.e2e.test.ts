// The Agents page's releases in real Chromium against the real server: each agent's version against the
// newest release the server hands out (tarballs in its artifact folder), an admin's update of one agent,
// of the selected ones and of all, and the progress the agents report in their heartbeats.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enrolAgent, hostFacts, type TestAgent } from '../../server/test/support/agent-calls.ts';
import { missingParts } from '../../test/support/system.ts';
import { ADMIN_PASSWORD } from './support/app-server.ts';
import { CHROMIUM, screenshot, unexpectedErrors } from './support/browser.ts';
import { browserSuite } from './support/browser-suite.ts';

const artifacts = mkdtempSync(join(tmpdir(), 'ns-e2e-releases-'));
for (const version of ['0.1.0', '0.2.0']) {
  // Any bytes: the server checks a tarball against its build digest, not what is in it.
  const bytes = randomBytes(2048);
  const name = `netspotter-agent-${version}-linux-x64.tar.gz`;
  writeFileSync(join(artifacts, name), bytes);
  writeFileSync(
    join(artifacts, `${name}.sha256`),
    `${createHash('sha256').update(bytes).digest('hex')}  ${name}\n`,
  );
}

describe.skipIf(missingParts({ paths: [CHROMIUM] }))(
  'Agents page: versions and updates',
  { timeout: 90_000 },
  () => {
    const agents: TestAgent[] = [];
    const ui = browserSuite(
      async (app) => {
        for (const name of ['upd-a', 'upd-b', 'upd-c']) agents.push(await enrolAgent(app.server, name));
      },
      { agentArtifactsDir: artifacts, agentPlaintext: true }, // app.inject speaks plaintext
    );
    afterAll(() => rmSync(artifacts, { recursive: true, force: true }));
    const row = (name: string) => ui.page.getByRole('row').filter({ hasText: name });
    const notice = () => ui.page.locator('.notice.info').last();

    it('shows versions against the newest release; an admin updates one, the selected ones, then all', async () => {
      await ui.logIn('admin', ADMIN_PASSWORD);
      await ui.page.goto(`${ui.app.url}/#/agents`);
      const info = ui.page.getByTestId('release-info');
      await info.waitFor();
      expect(await info.textContent()).toContain('Server 0.1.0; newest agent release 0.2.0.');
      expect(await row('upd-a').locator('.version-cell').textContent()).toContain('0.1.0 (newest 0.2.0)');

      // One agent: its button, then the progress it reports as its beats arrive (the page refreshes itself).
      await ui.page.getByRole('button', { name: 'Update upd-a to 0.2.0' }).click();
      await notice().filter({ hasText: 'Update to 0.2.0 requested for 1 agent(s)' }).waitFor();
      await row('upd-a')
        .getByTestId('update-state')
        .filter({ hasText: 'update requested → 0.2.0' })
        .waitFor();
      expect(
        await row('upd-a')
          .getByRole('button', { name: /^Update to/ })
          .count(),
      ).toBe(0);
      const [a, , c] = agents as [TestAgent, TestAgent, TestAgent];
      const report = (agent: TestAgent, update: object) =>
        agent.call('/api/agent/heartbeat', { t0: Date.now(), update });
      expect((await report(a, { version: '0.2.0', state: 'downloading' })).statusCode).toBe(200);
      await row('upd-a').getByTestId('update-state').filter({ hasText: 'downloading → 0.2.0' }).waitFor();
      const failure = 'the download of 0.2.0 has SHA-256 00, not the ff the server signed off: refused';
      expect((await report(a, { version: '0.2.0', state: 'failed', message: failure })).statusCode).toBe(200);
      await row('upd-a')
        .getByTestId('update-state')
        .filter({ hasText: `update failed → 0.2.0: ${failure}` })
        .waitFor();
      // Failed: it may be asked again.
      await row('upd-a').getByRole('button', { name: 'Update upd-a to 0.2.0' }).waitFor();
      await screenshot(ui.page, 'agents-update-failed');

      // The selected ones.
      await ui.page.getByRole('checkbox', { name: 'Select upd-b' }).check();
      await ui.page.getByRole('checkbox', { name: 'Select upd-c' }).check();
      await ui.page.getByRole('button', { name: 'Update selected' }).click();
      await notice().filter({ hasText: 'requested for 2 agent(s)' }).waitFor();
      for (const name of ['upd-b', 'upd-c'])
        await row(name).getByTestId('update-state').filter({ hasText: 'update requested → 0.2.0' }).waitFor();
      expect(await row('upd-a').getByTestId('update-state').textContent()).toContain('update failed');

      // All, after the confirmation; an agent already running the release is skipped and named.
      expect((await report(c, { version: '0.2.0', state: 'restarting' })).statusCode).toBe(200);
      const beat = await c.call('/api/agent/heartbeat', {
        t0: Date.now(),
        facts: { ...hostFacts('upd-c'), agentVersion: '0.2.0' },
      });
      expect(beat.statusCode).toBe(200);
      await row('upd-c').getByTestId('update-state').filter({ hasText: 'updated → 0.2.0' }).waitFor();
      ui.page.once('dialog', (d) => void d.accept());
      await ui.page.getByRole('button', { name: 'Update all' }).click();
      await notice()
        .filter({ hasText: 'requested for 2 agent(s); skipped: upd-c (already runs 0.2.0)' })
        .waitFor();
      await screenshot(ui.page, 'agents-update-all');
      expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
    });
  },
);
