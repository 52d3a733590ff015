// The sequence editor in real Chromium against the real server: participants bound to enrolled
// agents, an alias picked from an agent's addresses, steps added, dragged in time, undone and redone,
// saved — and the stored definition is exactly what the diagram showed; errors land on the step;
// viewers can look but not edit. Each test saves a screenshot.
import { describe, expect, it } from 'vitest';
import { missingParts } from '../../test/support/system.ts';
import { stepLabel, type SequenceDefinition } from '../src/sequences/document.ts';
import { CHROMIUM, screenshot, unexpectedErrors } from './support/browser.ts';
import { ADMIN_PASSWORD } from './support/app-server.ts';
import { browserSuite } from './support/browser-suite.ts';
import { enrolLabAgent } from './support/lab-agent.ts';

describe.skipIf(missingParts({ paths: [CHROMIUM] }))(
  'sequence editor in Chromium',
  { timeout: 90_000 },
  () => {
    let viewerPassword: string;
    const ui = browserSuite(async (app) => {
      await enrolLabAgent(app, 'tx', [
        { name: 'eth0', mac: '02:00:00:00:0a:01', addresses: ['2001:db8:a::1/64', 'fe80::a1'] },
      ]);
      await enrolLabAgent(app, 'rx', [
        { name: 'eth0', mac: '02:00:00:00:0b:01', addresses: ['2001:db8:b::1/64'] },
        { name: 'eth1', mac: '02:00:00:00:0b:02', addresses: ['2001:db8:c::2/64'] },
      ]);
      viewerPassword = await app.addUser('vera', 'viewer');
    });
    const login = ui.logIn;
    const rows = () => ui.page.locator('svg.seq-diagram g.row');
    const rowLabels = () => rows().evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')));
    const stored = async (): Promise<
      Array<{ id: string; name: string; version: number; definition: SequenceDefinition }>
    > =>
      (
        await ui.app.server.app.inject({
          method: 'GET',
          url: '/api/sequences',
          headers: await ui.app.server.as('viewer'),
        })
      ).json();
    const addStep = async (label: string) => {
      await ui.page
        .getByRole('group', { name: 'Add a step' })
        .getByRole('button', { name: `+ ${label}`, exact: true })
        .click();
    };
    const stepForm = () => ui.page.locator('section.step-form');

    it('builds a sequence, drags a step in time, undoes and redoes, saves what the diagram shows', async () => {
      await login('admin', ADMIN_PASSWORD);
      await ui.page.goto(`${ui.app.url}/#/sequences`);
      await ui.page.getByRole('button', { name: 'Add participant' }).click();
      await ui.page.getByRole('button', { name: 'Add participant' }).click();
      const parts = ui.page.getByRole('table', { name: 'Participants' });
      // Each new participant takes an agent not yet used.
      expect(
        [
          await parts.getByLabel('Agent of h1').inputValue(),
          await parts.getByLabel('Agent of h2').inputValue(),
        ].sort(),
      ).toEqual(['rx', 'tx']);
      await parts.getByLabel('Agent of h1').selectOption('tx');
      await parts.getByLabel('Agent of h2').selectOption('rx');
      await parts.getByLabel('Interface of h2').selectOption('eth1');

      // The alias manager groups addresses per agent; picking tx's address fills the alias form.
      const txGroup = ui.page.locator('.alias-group[data-agent="tx"]');
      expect(await txGroup.locator('.alias-list').textContent()).toContain('$h1 = 2001:db8:a::1');
      await txGroup.getByRole('button', { name: '2001:db8:a::1/64' }).click();
      await ui.page.getByLabel('Alias name').fill('src');
      await ui.page.getByRole('button', { name: 'Add alias' }).click();
      await txGroup.locator('li[data-alias="src"]').waitFor();

      // join (SSM, at h2) → send (h1) → expect (h2, source MAC ANY) → wait
      await addStep('Join');
      await stepForm().getByLabel('Participant').selectOption('h2');
      await stepForm().getByLabel('Group').fill('ff3e::4321');
      await stepForm().getByLabel('Source (SSM)').fill('$src');
      await addStep('Send');
      await stepForm().getByLabel('Count').fill('3');
      await ui.page.locator('section.step-form [data-path-input="body.dst"]').fill('ff3e::4321');
      await addStep('Expect');
      await stepForm().getByLabel('Expected at').selectOption('h2');
      await stepForm().getByLabel('Timeout (ms)').fill('1500');
      // The hint says what the agent does: fields left empty match anything.
      expect(await stepForm().locator('.step-message .hint').textContent()).toContain(
        'Fields left empty match anything',
      );
      expect(await stepForm().locator('[data-path-input="body.hopLimit"]').getAttribute('placeholder')).toBe(
        'any',
      );
      await stepForm().getByLabel('src: any value', { exact: true }).check();
      await expect.poll(() => stepForm().locator('[data-path-input="src"]').isDisabled()).toBe(true);
      await addStep('Wait');
      await stepForm().getByLabel('Wait (ms)').fill('250');
      expect(await rowLabels()).toEqual([
        'Step 1: join (2001:db8:a::1, ff3e::4321)'.replace('2001:db8:a::1', '$src'),
        'Step 2: send ethernet / ipv6 / udp ×3',
        'Step 3: expect ethernet / ipv6 / udp within 1500 ms',
        'Step 4: wait 250 ms',
      ]);

      // Drag the wait (row 4) to the top with the mouse.
      const box = async (i: number) => (await rows().nth(i).boundingBox())!;
      const from = await box(3);
      const to = await box(0);
      await ui.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await ui.page.mouse.down();
      await ui.page.mouse.move(from.x + from.width / 2, to.y + 10, { steps: 8 });
      await ui.page.mouse.up();
      const moved = [
        'Step 1: wait 250 ms',
        'Step 2: join ($src, ff3e::4321)',
        'Step 3: send ethernet / ipv6 / udp ×3',
        'Step 4: expect ethernet / ipv6 / udp within 1500 ms',
      ];
      expect(await rowLabels()).toEqual(moved);

      // Undo with the button and the keyboard, redo both.
      await ui.page.getByRole('button', { name: 'Undo' }).click();
      expect((await rowLabels())[0]).toBe('Step 1: join ($src, ff3e::4321)');
      await rows().first().focus();
      await ui.page.keyboard.press('Control+Z'); // undoes the wait's 250 ms
      expect((await rowLabels())[3]).toBe('Step 4: wait 1000 ms');
      await ui.page.keyboard.press('Control+Shift+Z');
      await ui.page.getByRole('button', { name: 'Redo' }).click();
      expect(await rowLabels()).toEqual(moved);

      // Keyboard move: focus the wait, Alt+↓ puts it after the join; Alt+↑ back.
      await rows().first().focus();
      await ui.page.keyboard.press('Alt+ArrowDown');
      expect((await rowLabels())[1]).toBe('Step 2: wait 250 ms');
      await ui.page.keyboard.press('Alt+ArrowUp');
      expect(await rowLabels()).toEqual(moved);

      await ui.page.getByLabel('Name').first().fill('ssm-check');
      await ui.page.getByRole('button', { name: 'Save' }).click();
      await ui.page.locator('.notice.info', { hasText: 'Saved ssm-check as version 1' }).waitFor();
      const [seq] = await stored();
      expect(seq).toMatchObject({ name: 'ssm-check', version: 1 });
      expect(seq!.definition).toEqual({
        participants: [
          { name: 'h1', agent: 'tx', interface: 'eth0' },
          { name: 'h2', agent: 'rx', interface: 'eth1' },
        ],
        aliases: { src: '2001:db8:a::1' },
        steps: [
          { op: 'wait', ms: 250 },
          { op: 'join', at: 'h2', group: 'ff3e::4321', source: '$src' },
          {
            op: 'send',
            from: 'h1',
            count: 3,
            message: {
              template: 'ethernet',
              values: {
                // the sender's own MAC, and the group's MAC (it followed the new group)
                dst: '33:33:00:00:43:21',
                src: '$h1.mac',
                body: {
                  template: 'ipv6',
                  values: {
                    dst: 'ff3e::4321',
                    body: { template: 'udp', values: { dstPort: 5000, body: '68656c6c6f' } },
                  },
                },
              },
            },
          },
          {
            op: 'expect',
            at: 'h2',
            count: 1,
            timeoutMs: 1500,
            message: {
              template: 'ethernet',
              values: {
                dst: '33:33:00:00:12:34',
                src: { any: true },
                body: {
                  template: 'ipv6',
                  values: {
                    dst: 'ff3e::1234',
                    body: { template: 'udp', values: { dstPort: 5000, body: '68656c6c6f' } },
                  },
                },
              },
            },
          },
        ],
      });
      // What the diagram showed is what was stored, step for step.
      expect(await rowLabels()).toEqual(
        seq!.definition.steps.map((s, i) => `Step ${i + 1}: ${stepLabel(s)}`),
      );
      await ui.page.locator('.seq-toolbar', { hasText: 'version 1 · saved' }).waitFor();
      // Schedule it: the next runs show in words before anything is saved, then the schedule lands
      // on the sequence's task.
      const sched = ui.page.getByRole('form', { name: 'Schedule this sequence' });
      await sched.getByLabel('Cron expression').fill('0 4 * * 1');
      await sched.locator('.next-runs li').first().waitFor();
      expect(await sched.locator('[data-testid="cron-preview"] li').count()).toBe(5);
      expect(await sched.locator('[data-testid="cron-preview"] li').first().textContent()).toMatch(
        /\(in \d+ (d|h)/,
      );
      await sched.getByRole('button', { name: 'Schedule' }).click();
      await ui.page.locator('.notice.info', { hasText: 'Schedule saved' }).waitFor();
      const inject = async (url: string) =>
        (
          await ui.app.server.app.inject({ method: 'GET', url, headers: await ui.app.server.as('viewer') })
        ).json();
      const [schedule] = await inject('/api/schedules');
      const task = await inject(`/api/tasks/${schedule.taskId}`);
      expect(schedule).toMatchObject({ cron: '0 4 * * 1', enabled: true });
      expect(task).toMatchObject({ kind: 'sequence', args: { sequenceId: seq!.id } });
      await rows().nth(3).click();
      await screenshot(ui.page, 'sequence-editor-saved');
      expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
    });

    it('shows problems at the step and the field: the server’s schema before saving, message values from the agent check', async () => {
      await login('admin', ADMIN_PASSWORD);
      const [seq] = await stored();
      await ui.page.goto(`${ui.app.url}/#/sequences?id=${seq!.id}`);
      await rows().first().click();
      await stepForm().getByLabel('Wait (ms)').fill('99999999');
      const saves: string[] = [];
      ui.page.on('request', (r) => {
        if (r.method() === 'PUT') saves.push(r.url());
      });
      await ui.page.getByRole('button', { name: 'Save' }).click();
      await ui.page.locator('.notice.error', { hasText: 'Not saved: 1 problem, marked in red' }).waitFor();
      const waitError = stepForm().locator('.field', { hasText: 'Wait (ms)' }).locator('.field-error');
      await waitError.waitFor();
      expect(await waitError.textContent()).toBe('must be <= 3600000');
      expect(await rows().first().getAttribute('class')).toContain('invalid');
      expect(await rows().first().getAttribute('aria-label')).toContain('(has a problem)');
      expect(saves).toEqual([]); // refused in the browser by the server's own schema: nothing sent
      expect((await stored())[0]!.version).toBe(1);
      await screenshot(ui.page, 'sequence-step-error-schema');

      // A value the schema allows but the encoder does not: saved, then the check against the agents
      // names the message field, which the editor marks in the step's field tree.
      await stepForm().getByLabel('Wait (ms)').fill('300');
      await rows().nth(2).click();
      await ui.page.locator('section.step-form [data-path-input="body.dst"]').fill('not-an-address');
      await ui.page.getByRole('button', { name: 'Save' }).click();
      await ui.page.locator('.notice.error', { hasText: 'Saved, but it cannot run as it is' }).waitFor();
      expect((await stored())[0]!.version).toBe(2);
      const dstRow = stepForm().locator('.frow[data-path="body.dst"]');
      await expect.poll(() => dstRow.getAttribute('class')).toContain('invalid');
      expect(await dstRow.locator('.field-error').first().textContent()).toMatch(/ipv6|address/i);
      expect(await rows().nth(2).getAttribute('class')).toContain('invalid');
      await screenshot(ui.page, 'sequence-step-error-check');
      expect(unexpectedErrors(ui.browser.errors, [400])).toEqual([]);
    });

    it('lets a viewer look at a sequence but not change it', async () => {
      await login('vera', viewerPassword);
      const [seq] = await stored();
      await ui.page.goto(`${ui.app.url}/#/sequences?id=${seq!.id}`);
      await rows().first().waitFor();
      const before = await rowLabels();
      expect(await ui.page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
      expect(await ui.page.getByRole('button', { name: 'Run now' }).isDisabled()).toBe(true);
      expect(
        await ui.page
          .getByRole('group', { name: 'Add a step' })
          .getByRole('button', { name: '+ Send' })
          .isDisabled(),
      ).toBe(true);
      expect(
        await ui.page.getByRole('table', { name: 'Participants' }).getByLabel('Agent of h1').isDisabled(),
      ).toBe(true);
      await rows().nth(1).click(); // selecting to read is fine
      expect(await stepForm().getByLabel('Group').isDisabled()).toBe(true);
      expect(await stepForm().getByRole('button', { name: 'Delete step' }).isDisabled()).toBe(true);
      // Neither dragging nor the keyboard moves or deletes anything.
      const from = (await rows().nth(1).boundingBox())!;
      await ui.page.mouse.move(from.x + 50, from.y + 10);
      await ui.page.mouse.down();
      await ui.page.mouse.move(from.x + 50, from.y + 150, { steps: 6 });
      await ui.page.mouse.up();
      await rows().nth(1).focus();
      await ui.page.keyboard.press('Alt+ArrowDown');
      await ui.page.keyboard.press('Delete');
      expect(await rowLabels()).toEqual(before);
      await screenshot(ui.page, 'sequence-viewer-read-only');
      expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
    });

    it('carries the user templates its messages use, so the server and agents can build them', async () => {
      const probe = {
        name: 'probe',
        description: 'a test header in UDP',
        fields: [
          { name: 'magic', type: 'uint', bits: 16, default: 0xbeef },
          { name: 'kind', type: 'uint', bits: 8, default: 1 },
          { name: 'body', type: 'body' },
        ],
      };
      const made = await ui.app.server.app.inject({
        method: 'POST',
        url: '/api/templates',
        headers: await ui.app.server.as('operator'),
        payload: { definition: probe },
      });
      expect(made.statusCode).toBe(201);
      await login('admin', ADMIN_PASSWORD);
      await ui.page.goto(`${ui.app.url}/#/sequences`);
      await ui.page.getByRole('button', { name: 'Add participant' }).click();
      await addStep('Send');
      await ui.page
        .locator('section.step-form .frow[data-path="body.body.body"] > select')
        .selectOption('probe');
      await ui.page.locator('section.step-form [data-path-input="body.body.body.kind"]').fill('2');
      await ui.page.getByLabel('Name').first().fill('with-probe');
      await ui.page.getByRole('button', { name: 'Save' }).click();
      await ui.page.locator('.notice.info', { hasText: 'Saved with-probe as version 1' }).waitFor();
      const saved = (await stored()).find((x) => x.name === 'with-probe')!;
      expect(saved.definition.templates).toEqual([{ ...probe, version: 1 }]); // as the templates API stamps it
      expect(saved.definition.steps[0]).toMatchObject({
        message: {
          values: {
            body: { values: { body: { values: { body: { template: 'probe', values: { kind: 2 } } } } } },
          },
        },
      });
      // The check against the agents compiles it with the carried template.
      const check = await ui.app.server.app.inject({
        method: 'POST',
        url: `/api/sequences/${saved.id}/check`,
        headers: await ui.app.server.as('viewer'),
      });
      expect(check.statusCode).toBe(200);
      await screenshot(ui.page, 'sequence-user-template');
      expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
    });
  },
);
