// The GUI in real Chromium against the real server and database: login, targets, templates,
// tasks and schedules, and what a viewer may not do. Each test saves a screenshot.
import { describe, expect, it } from 'vitest';
import {
  builtinLibrary,
  encode,
  writePcap,
  parseTargetLines,
  TemplateLibrary,
  builtinTemplates,
  type Message,
  type TemplateDef,
} from '@netspotter/shared';
import { missingParts } from '../../test/support/system.ts';
import { CHROMIUM, screenshot, unexpectedErrors } from './support/browser.ts';
import { ADMIN_PASSWORD } from './support/app-server.ts';
import { browserSuite } from './support/browser-suite.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe.skipIf(missingParts({ paths: [CHROMIUM] }))('GUI in Chromium', { timeout: 90_000 }, () => {
  const ui = browserSuite();
  const login = ui.logIn;

  it('logs in with the keyboard, refuses a wrong password at the field, shows the admin’s sections', async () => {
    await ui.page.goto(ui.app.url);
    await ui.page.getByLabel('Username').waitFor();
    // keyboard only: the username field has focus, Tab moves on, Enter submits
    await ui.page.keyboard.type('admin');
    await ui.page.keyboard.press('Tab');
    await ui.page.keyboard.type('wrong-password');
    await ui.page.keyboard.press('Enter');
    const fieldError = ui.page.locator('.field-error', { hasText: 'wrong username or password' });
    await fieldError.waitFor();
    expect(await ui.page.locator('.notice.error').textContent()).toContain('wrong username or password');

    await ui.page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await ui.page.keyboard.press('Enter');
    await ui.page.getByTestId('whoami').waitFor();
    expect(await ui.page.getByTestId('whoami').textContent()).toBe('admin (admin)');
    const sections = await ui.page.locator('header nav a').allTextContents();
    expect(sections).toEqual([
      'Targets',
      'Tasks & schedules',
      'Templates',
      'Sequences',
      'Results',
      'Topology',
      'Monitors',
      'Agents',
      'Alerts',
      'Audit',
      'Devices',
    ]);
    await ui.page.getByRole('link', { name: 'Audit' }).click();
    await ui.page
      .getByRole('table', { name: 'Audit events' })
      .locator('td', { hasText: 'login' })
      .first()
      .waitFor();
    await screenshot(ui.page, 'login-admin-audit');
    expect(unexpectedErrors(ui.browser.errors, [401])).toEqual([]); // the wrong password
  });

  it('flags a bad pasted line before saving, shows the server’s refusal too, imports the good lines', async () => {
    await login('admin', ADMIN_PASSWORD);
    await ui.page.goto(`${ui.app.url}/#/targets`);
    const lines = [
      '# lab switches',
      '192.0.2.10 public',
      '192.0.2.11 v3 monitor sha short',
      '2001:db8::20 v2c lab-secret',
      '2001:db8::/64 public',
    ];
    const posted: string[] = [];
    ui.page.on('request', (r) => {
      if (r.method() === 'POST') posted.push(r.url());
    });
    await ui.page.getByLabel('Targets, one per line').fill(lines.join('\n'));
    // the browser's parser and range limit are the server's: same lines, same reasons
    const limits = (await (await ui.page.request.get(`${ui.app.url}/api/targets/limits`)).json()) as {
      maxTargetRange: number;
    };
    const expected = parseTargetLines(lines.join('\n'), {
      allowPort: true,
      maxRange: limits.maxTargetRange,
    }).errors;
    expect(expected.map((e) => e.line)).toEqual([3, 5]);
    const flagged = ui.page.locator('.line-problem');
    await expect.poll(() => flagged.count()).toBe(2);
    expect(await flagged.evaluateAll((els) => els.map((e) => e.getAttribute('data-line')))).toEqual([
      '3',
      '5',
    ]);
    expect(await flagged.first().textContent()).toContain(`Line 3: ${expected[0]!.reason}`);
    expect(await flagged.last().textContent()).toContain(`Line 5: ${expected[1]!.reason}`);
    expect(posted).toEqual([]); // nothing was sent yet
    await screenshot(ui.page, 'targets-bad-line-flagged');

    // The server refuses the whole list with the same two lines (shown once each).
    await ui.page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect
      .poll(() => ui.page.locator('.notice.error').last().textContent())
      .toMatch(/line 3: .*line 5: /);
    expect(await flagged.evaluateAll((els) => els.map((e) => e.getAttribute('data-line')))).toEqual([
      '3',
      '5',
    ]);

    // The new targets get a site: the agents of that site will poll them.
    await ui.page.getByLabel('Site of the new targets').fill('branch-7');
    await ui.page.getByRole('button', { name: 'Import the good lines only' }).click();
    const table = ui.page.getByRole('table', { name: 'Targets' });
    await table.locator('td:nth-child(2)', { hasText: '2001:db8::20' }).waitFor();
    expect(await table.locator('tbody tr', { hasText: '2001:db8::20' }).textContent()).toContain('branch-7');
    const text = await table.textContent();
    expect(text).toContain('192.0.2.10');
    expect(text).not.toContain('192.0.2.11');
    expect(text).not.toContain('lab-secret'); // credentials are masked
    await screenshot(ui.page, 'targets-imported');
    expect(unexpectedErrors(ui.browser.errors, [400])).toEqual([]);
  });

  it('checks a v3 credential at its fields and saves a good one masked', async () => {
    await login('admin', ADMIN_PASSWORD);
    await ui.page.goto(`${ui.app.url}/#/targets`);
    const form = ui.page.getByRole('form', { name: 'New credential' });
    await form.waitFor();
    // v2c asks for a community only; v3 swaps in the user-based fields
    expect(await form.getByLabel('Community').isVisible()).toBe(true);
    expect(await form.getByLabel('User', { exact: true }).isVisible()).toBe(false);
    await form.getByLabel('Version').selectOption('v3');
    expect(await form.getByLabel('Community').isVisible()).toBe(false);
    expect(await form.getByLabel('Auth key').isVisible()).toBe(false); // until an auth protocol is chosen
    await form.getByLabel('User', { exact: true }).fill('netops');
    await form.getByLabel('Auth protocol').selectOption('sha256');
    await form.getByLabel('Auth key').fill('short');
    await form.getByRole('button', { name: 'Add credential' }).click();
    await form.locator('.field-error', { hasText: 'at least 8 characters' }).waitFor();
    await form.getByLabel('Auth key').fill('auth-key-123');
    await form.getByLabel('Privacy protocol').selectOption('aes');
    await form.getByLabel('Privacy key').fill('priv-key-123');
    await form.getByRole('button', { name: 'Add credential' }).click();
    const creds = ui.page.getByRole('table', { name: 'Credentials' });
    await creds.locator('td', { hasText: 'v3 netops authPriv sha256/aes' }).waitFor();
    expect(await creds.textContent()).not.toContain('auth-key-123');
    await screenshot(ui.page, 'targets-v3-credential');
    expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
  });

  it('runs a task now, rejects a bad cron at the field, shows the next runs of a good one', async () => {
    await login('admin', ADMIN_PASSWORD);
    await ui.page.goto(`${ui.app.url}/#/tasks`);
    const taskForm = ui.page.getByRole('form', { name: 'New task' });
    await taskForm.getByLabel('Name').fill('quick check');
    await taskForm.getByLabel('Kind').selectOption('noop');
    // Arguments as JSON are the advanced way: an unknown one is refused at the box, nothing stored.
    await taskForm.getByLabel('Edit the arguments as JSON (advanced)').check();
    await taskForm.getByLabel('Arguments (JSON)').fill('{"durationMs": 100, "bogus": 1}');
    await taskForm.getByRole('button', { name: 'Create task' }).click();
    await taskForm.locator('.field-error', { hasText: 'args.bogus: unknown field' }).waitFor();
    // The form generated from the kind's schema: back from JSON with the values kept.
    await taskForm.getByLabel('Arguments (JSON)').fill('{"durationMs": 250}');
    await taskForm.getByLabel('Edit the arguments as JSON (advanced)').uncheck();
    expect(await taskForm.getByLabel('Duration (ms)').inputValue()).toBe('250');
    await taskForm.getByLabel('Duration (ms)').fill('100');
    await taskForm.getByLabel('Outcome').selectOption('succeed');
    await screenshot(ui.page, 'task-form-generated');
    await taskForm.getByRole('button', { name: 'Create task' }).click();
    await ui.page.getByRole('button', { name: 'Run now: quick check' }).click();
    const runs = ui.page.getByRole('table', { name: 'Runs' });
    await runs.locator('.state-succeeded').waitFor({ timeout: 20_000 });

    const sched = ui.page.getByRole('form', { name: 'New schedule' });
    const posted: string[] = [];
    ui.page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/api/schedules')) posted.push(r.url());
    });
    // Checked and previewed as you type, before anything is saved.
    await sched.getByLabel('Cron expression').fill('61 * * * *');
    const cronError = sched.locator('.field-error', { hasText: 'invalid cron expression' });
    await cronError.waitFor();
    expect(await sched.getByLabel('Cron expression').getAttribute('aria-invalid')).toBe('true');

    await sched.getByLabel('Cron expression').fill('0 3 * * *');
    await sched.locator('.next-runs li').first().waitFor();
    expect(await sched.locator('.next-runs li').count()).toBe(5);
    expect(await sched.locator('.next-runs li').first().textContent()).toMatch(/\(in (\d+ d )?(\d+ h)?.*\)$/);
    expect(await cronError.count()).toBe(0);
    expect(posted).toEqual([]);
    await sched.getByRole('button', { name: 'Schedule' }).click();
    await ui.page
      .getByRole('table', { name: 'Schedules' })
      .getByRole('cell', { name: 'quick check', exact: true })
      .waitFor();
    await screenshot(ui.page, 'tasks-schedules-runs');
    expect(unexpectedErrors(ui.browser.errors, [400])).toEqual([]);
  });

  it('builds messages and templates whose hex view equals the shared encoder’s bytes', async () => {
    await login('admin', ADMIN_PASSWORD);
    await ui.page.goto(`${ui.app.url}/#/templates`);
    await ui.page.getByRole('button', { name: 'Start from Ethernet › IPv6 › UDP' }).click();
    const row = (path: string) => ui.page.locator(`.frow[data-path="${path}"]`);
    const input = (path: string) => ui.page.locator(`[data-path-input="${path}"]`);
    await input('body.hopLimit').fill('1');
    await input('body.dst').fill('ff3e::4242');
    await input('body.body.dstPort').fill('5353');
    const grid = ui.page.getByTestId('hex-view');
    // the frame's destination MAC followed the group (33:33 + its low 32 bits)
    expect(await input('dst').inputValue()).toBe('33:33:00:00:42:42');
    const message: Message = {
      template: 'ethernet',
      values: {
        dst: '33:33:00:00:42:42',
        body: {
          template: 'ipv6',
          values: {
            hopLimit: 1,
            dst: 'ff3e::4242',
            body: { template: 'udp', values: { dstPort: 5353, body: '48656c6c6f' } },
          },
        },
      },
    };
    const want = hex(encode(builtinLibrary(), message));
    await expect.poll(() => grid.getAttribute('data-hex')).toBe(want);
    expect((await grid.locator('.b').allTextContents()).join('')).toBe(want);
    // computed fields show what the encoder wrote: UDP length 8 + 5, IPv6 payload length the same
    expect(await input('body.body.length').inputValue()).toBe('13 (0xd)');
    expect(await input('body.payloadLength').inputValue()).toBe('13 (0xd)');

    // field → bytes: the hop limit is byte 21; bytes → field: bytes 58-59 are the UDP length
    await input('body.hopLimit').focus();
    expect(
      await grid.locator('.b.sel').evaluateAll((els) => els.map((e) => e.getAttribute('data-i'))),
    ).toEqual(['21']);
    await grid.locator('.b[data-i="58"]').click();
    await expect.poll(() => row('body.body.length').getAttribute('class')).toContain('selected');
    expect(await grid.locator('.b.sel').count()).toBe(2);

    // a value that does not fit is explained at its field and no bytes are shown
    await input('body.hopLimit').fill('300');
    await row('body.hopLimit').locator('.field-error', { hasText: '300 does not fit in 8 bits' }).waitFor();
    expect(await grid.getAttribute('data-hex')).toBe('');
    await input('body.hopLimit').fill('1');
    await expect.poll(() => grid.getAttribute('data-hex')).toBe(want);
    await screenshot(ui.page, 'templates-message-hex');

    // A template of our own: a computed length before its data, used as the UDP payload.
    await ui.page.getByRole('button', { name: 'New template' }).click();
    await ui.page.getByLabel('Template Name').fill('probe');
    await ui.page.getByLabel('Field 1 name').fill('kind');
    await ui.page.getByLabel('Field 1 default').fill('7');
    await ui.page.getByRole('button', { name: 'Add field' }).click();
    await ui.page.getByLabel('Field 2 name').fill('len');
    await ui.page.getByLabel('Field 2 computed (JSON)').fill('{"kind":"length","of":["data"]}');
    await ui.page.getByRole('button', { name: 'Add field' }).click();
    await ui.page.getByLabel('Field 3 name').fill('data');
    await ui.page.getByLabel('Field 3 type').selectOption('bytes');
    await ui.page.getByLabel('Field 3 size').fill('later');
    await ui.page.locator('tr[data-row="2"] [data-row-error]', { hasText: 'no field "later"' }).waitFor();
    await ui.page.getByLabel('Field 3 size').fill('len');
    await expect.poll(() => ui.page.locator('tr.invalid').count()).toBe(0);

    await input('body.body.body').waitFor();
    await row('body.body.body').locator('select').selectOption('probe');
    await input('body.body.body.data').fill('c0ffee');
    const probe: TemplateDef = {
      name: 'probe',
      fields: [
        { name: 'kind', type: 'uint', bits: 8, default: 7 },
        { name: 'len', type: 'uint', bits: 8, computed: { kind: 'length', of: ['data'] } },
        { name: 'data', type: 'bytes', size: { field: 'len' } },
      ],
    };
    const lib = new TemplateLibrary([...builtinTemplates, probe]);
    const udp = (message.values!.body as Message).values!.body as Message;
    udp.values!.body = { template: 'probe', values: { data: 'c0ffee' } };
    const want2 = hex(encode(lib, message));
    expect(want2.endsWith('0703c0ffee')).toBe(true);
    await expect.poll(() => grid.getAttribute('data-hex')).toBe(want2);
    await screenshot(ui.page, 'templates-own-template');

    // Saved on the server as version 1; a reload brings back the template (server) and the message (browser).
    await ui.page.getByRole('button', { name: 'Save template' }).click();
    await ui.page.getByText('saved as version 1').waitFor();
    const stored = await ui.app.server.app.inject({
      method: 'GET',
      url: '/api/templates/probe',
      headers: await ui.app.server.as('admin'),
    });
    expect(stored.json()).toMatchObject({ version: 1, definition: probe });
    await ui.page.reload();
    await expect.poll(() => ui.page.getByTestId('hex-view').getAttribute('data-hex')).toBe(want2);
    expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
  });

  it('opens a frame from a pcap file as a new message with the same bytes', async () => {
    await login('admin', ADMIN_PASSWORD);
    await ui.page.goto(`${ui.app.url}/#/templates`);
    const mld: Message = {
      template: 'ethernet',
      values: {
        dst: '33:33:00:00:00:16',
        body: {
          template: 'ipv6',
          values: {
            hopLimit: 1,
            dst: 'ff02::16',
            body: { template: 'udp', values: { dstPort: 9, body: '0102030405' } },
          },
        },
      },
    };
    const frame = encode(builtinLibrary(), mld);
    await ui.page.locator('#pcap-file').setInputFiles({
      name: 'lab.pcap',
      mimeType: 'application/vnd.tcpdump.pcap',
      buffer: Buffer.from(writePcap([{ data: frame }])),
    });
    await ui.page.getByRole('button', { name: /^Open frame 1 \(ethernet › ipv6 › udp\)$/ }).click();
    await expect.poll(() => ui.page.getByTestId('hex-view').getAttribute('data-hex')).toBe(hex(frame));
    expect(await ui.page.locator('[data-path-input="body.dst"]').inputValue()).toBe('ff02::16');
    await screenshot(ui.page, 'templates-pcap-import');
    expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
  });

  it('creates an enrolment token with the command to paste, blocks enrolments, and audits by name', async () => {
    await login('admin', ADMIN_PASSWORD);
    await ui.page.goto(`${ui.app.url}/#/agents`);
    await ui.page.getByText('No agents enrolled yet.').waitFor();
    const form = ui.page.getByRole('form', { name: 'New enrolment token' });
    await form.getByLabel('Agent name').fill('lab-host-3');
    await form.getByRole('button', { name: 'Create token' }).click();
    const command = (await ui.page.getByTestId('agent-command').textContent())!;
    expect(command).toMatch(new RegExp(`^netspotter agent --server ${ui.app.url} --token \\S+$`));
    // A fresh host's one line: the install script fetched pinned to the server's public key.
    const install = (await ui.page.getByTestId('install-command').textContent())!;
    expect(install).toMatch(
      /^curl -fsS --pinnedpubkey 'sha256\/\/[A-Za-z0-9+/]{43}=' -k '(https:[^']+)\/agent\/install\.sh' \| sudo sh -s -- --server '\1' --token 'nse1\.[\w-]+\.[0-9a-f]{64}' --name 'lab-host-3'$/,
    );
    expect(install).toContain(`'${ui.app.url}/agent/install.sh'`);
    const admin = await ui.app.server.as('admin');
    const tokens = await ui.app.server.app.inject({
      method: 'GET',
      url: '/api/agents/enrolment-tokens',
      headers: admin,
    });
    expect(tokens.json()).toEqual([expect.objectContaining({ name: 'lab-host-3', usedAt: null })]);

    await ui.page.getByRole('button', { name: 'Block enrolments' }).click();
    await ui.page.getByText('New enrolments are blocked.').waitFor();
    const state = await ui.app.server.app.inject({
      method: 'GET',
      url: '/api/agents/enrolment',
      headers: admin,
    });
    expect(state.json()).toEqual({ blocked: true });
    await screenshot(ui.page, 'agents-enrolment');
    await ui.page.getByRole('button', { name: 'Allow enrolments' }).click();
    await ui.page.getByText('New enrolments are allowed.').waitFor();
    // The audit trail names what each row is about, with details in words (no ids or JSON).
    await ui.page.goto(`${ui.app.url}/#/audit`);
    const table = ui.page.getByRole('table', { name: 'Audit events' });
    const row = table.locator('tr', { hasText: 'kind: noop · name: quick check' });
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      expect.any(String),
      'admin',
      'create',
      'task',
      'quick check',
      'kind: noop · name: quick check',
    ]);
    expect(await table.textContent()).not.toMatch(/[{}]/);
    expect(await table.textContent()).toContain('loginsessionadmin');
    await screenshot(ui.page, 'audit-with-names');
    expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
  });

  it('shows a viewer everything read-only, and the server refuses the viewer’s writes', async () => {
    const password = await ui.app.addUser('vera', 'viewer');
    await login('vera', password);
    expect(await ui.page.getByTestId('whoami').textContent()).toBe('vera (viewer)');
    expect(await ui.page.locator('header nav a').allTextContents()).not.toContain('Audit');
    await ui.page.getByRole('note').filter({ hasText: 'Read-only' }).waitFor();
    await ui.page.goto(`${ui.app.url}/#/targets`);
    await ui.page.getByRole('table', { name: 'Targets' }).waitFor();
    for (const name of ['Import targets', 'Add target', 'New credential']) {
      expect(
        await ui.page
          .getByRole('form', { name })
          .locator('fieldset')
          .evaluate((f) => (f as HTMLFieldSetElement).disabled),
      ).toBe(true);
    }
    const deletes = ui.page.getByRole('button', { name: /^Delete / });
    expect(await deletes.count()).toBeGreaterThan(0);
    for (const b of await deletes.all()) expect(await b.isDisabled()).toBe(true);
    await ui.page.goto(`${ui.app.url}/#/tasks`);
    await ui.page.getByRole('table', { name: 'Tasks' }).waitFor();
    expect(await ui.page.getByRole('button', { name: 'Run now: quick check' }).isDisabled()).toBe(true);
    expect(
      await ui.page
        .getByRole('form', { name: 'New schedule' })
        .locator('fieldset')
        .evaluate((f) => (f as HTMLFieldSetElement).disabled),
    ).toBe(true);
    // a disabled fieldset disables its controls: typing does nothing
    expect(await ui.page.getByRole('form', { name: 'New task' }).getByLabel('Name').isEditable()).toBe(false);
    await screenshot(ui.page, 'viewer-read-only');
    await ui.page.goto(`${ui.app.url}/#/templates`);
    await ui.page.getByTestId('hex-view').waitFor();
    expect(await ui.page.getByRole('button', { name: 'Save template' }).isDisabled()).toBe(true);
    await ui.page.goto(`${ui.app.url}/#/agents`);
    expect(await ui.page.getByRole('button', { name: /enrolments$/ }).isDisabled()).toBe(true);
    expect(await ui.page.getByRole('form', { name: 'New enrolment token' }).count()).toBe(0);

    // Not only hidden: the server says no with the viewer's own session.
    const status = await ui.page.evaluate(async () => {
      const r = await fetch('/api/targets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ address: '192.0.2.99' }),
      });
      return r.status;
    });
    expect(status).toBe(403);
    expect(unexpectedErrors(ui.browser.errors, [403])).toEqual([]);
  });
});
