// A convergence test built in the generated task form (a receiver joining mid-run), and a run's page in
// real Chromium: stand-in agents lease the jobs and upload their reports
// through the agent API over HTTPS (the sender's count, the receivers' sequence gaps, one receiver
// joining mid-run); the page shows each receiver's outages, total, longest and join latency with a strip
// of the run, and the timeline with an event recorded during the run beside the outage.
import { describe, expect, it } from 'vitest';
import { missingParts } from '../../test/support/system.ts';
import { CHROMIUM, screenshot, unexpectedErrors } from './support/browser.ts';
import { ADMIN_PASSWORD } from './support/app-server.ts';
import { browserSuite } from './support/browser-suite.ts';
import { enrolLabAgent, leaseJob, type LabAgent } from './support/lab-agent.ts';
import {
  convergenceArgs,
  receiverFinal,
  recordChange,
  senderFinal,
} from '../../server/test/support/convergence-run.ts';

describe.skipIf(missingParts({ paths: [CHROMIUM] }))(
  'convergence results in Chromium',
  { timeout: 90_000 },
  () => {
    let tx: LabAgent;
    let rx: LabAgent;
    const ui = browserSuite(async (app) => {
      tx = await enrolLabAgent(app, 'tx', [
        { name: 'eth0', mac: '02:00:00:00:0a:01', addresses: ['2001:db8:a::1/64'] },
      ]);
      rx = await enrolLabAgent(app, 'rx', [
        { name: 'eth0', mac: '02:00:00:00:0b:01', addresses: ['2001:db8:b::1/64'] },
        { name: 'eth1', mac: '02:00:00:00:0b:02', addresses: ['2001:db8:c::1/64'] },
      ]);
    });
    const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await ui.app.server.app.inject({
        method,
        url,
        headers: await ui.app.server.as('operator'),
        ...(payload && { payload }),
      });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.body}`);
      return res.json();
    };

    it('builds a convergence test in the generated form: a receiver joining mid-run, the packet previewed', async () => {
      await ui.logIn('admin', ADMIN_PASSWORD);
      await ui.page.goto(`${ui.app.url}/#/tasks`);
      const form = ui.page.getByRole('form', { name: 'New task' });
      await form.getByLabel('Name').fill('convergence from the form');
      await form.getByLabel('Kind').selectOption('convergence');
      await form.getByLabel('Group').fill('ff3e::db8:14c2');
      const sender = form.getByRole('group', { name: 'Sender 1' });
      await sender.getByLabel('Agent').selectOption('tx');
      await sender.getByLabel('Interface').selectOption('eth0');
      const first = form.getByRole('group', { name: 'Receiver 1' });
      await first.getByLabel('Agent').selectOption('rx');
      await first.getByLabel('Interface').selectOption('eth0');
      await form.getByRole('button', { name: 'Add receiver' }).click();
      const second = form.getByRole('group', { name: 'Receiver 2' });
      await second.getByLabel('Agent').selectOption('rx');
      await second.getByLabel('Interface').selectOption('eth1');
      await second.getByLabel('Join after (ms)').fill('2500');
      await expect
        .poll(() => form.getByTestId('load-preview-words').textContent())
        .toContain('test signature');
      await screenshot(ui.page, 'task-form-convergence');
      await form.getByRole('button', { name: 'Create task' }).click();
      await ui.page.getByRole('button', { name: 'Run now: convergence from the form' }).waitFor();
      const tasks = await api('GET', '/api/tasks');
      expect(tasks.find((t: { name: string }) => t.name === 'convergence from the form').args).toEqual({
        group: 'ff3e::db8:14c2',
        port: 5000,
        senders: [{ agent: 'tx', interface: 'eth0' }],
        receivers: [
          { agent: 'rx', interface: 'eth0' },
          { agent: 'rx', interface: 'eth1', joinAfterMs: 2500 },
        ],
        pps: 1000,
        durationMs: 30_000,
        frameSize: 128,
        hopLimit: 8,
        startDelayMs: 3000,
      });
      expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
    });

    it('shows each receiver’s outages and join latency, and the timeline with the run’s events', async () => {
      const task = await api('POST', '/api/tasks', {
        name: 'failover 10 s',
        kind: 'convergence',
        args: convergenceArgs({
          group: 'ff3e::db8:14c1',
          tx: 'tx',
          rx: 'rx',
          joinAfterMs: 3000,
          durationMs: 10_000,
          startDelayMs: 500,
        }),
      });
      const run = await api('POST', `/api/tasks/${task.id}/run`);
      const [txJob, rxJob] = await Promise.all([leaseJob(tx), leaseJob(rx)]);
      const start = (rxJob as unknown as { startAt: number }).startAt;
      await recordChange(ui.app.server, start + 4000, {
        kind: 'topology-link',
        subject: 'link:sw1/ge-0/0/2',
        summary: 'link sw1 ge-0/0/2 – r2 eth1 removed',
      });
      // One clock for all; seq n of the 1,000 pps stream left at start + n ms. The eth0 receiver lost
      // 4,000–4,511 (512 ms) and 7,000–7,099; the eth1 receiver joined at 3 s and got frames 18 ms later.
      const at = (seq: number) => ({ seq, txMs: start + seq });
      await tx.upload(txJob.id, senderFinal(10_000, 0));
      await rx.upload(
        rxJob.id,
        receiverFinal(start + 3000, [
          {
            received: 9388,
            first: { ...at(0), rxMs: start + 0.4 },
            last: at(9999),
            gaps: [
              { fromSeq: 4000, toSeq: 4511, beforeTxMs: start + 3999, afterTxMs: start + 4512 },
              { fromSeq: 7000, toSeq: 7099, beforeTxMs: start + 6999, afterTxMs: start + 7100 },
            ],
          },
          { received: 6982, first: { ...at(3018), rxMs: start + 3018 }, last: at(9999), gaps: [] },
        ]),
      );

      await ui.logIn('admin', ADMIN_PASSWORD);
      await ui.page.goto(`${ui.app.url}/#/results?run=${run.id}`);
      await ui.page.locator('[data-testid="run-state"].state-succeeded').waitFor({ timeout: 20_000 });
      const rows = ui.page.getByRole('table', { name: 'Receivers' }).locator('tbody tr');
      await rows.first().waitFor();
      expect(await rows.nth(0).locator('td').allTextContents()).toEqual([
        'rx (receiver) step 1',
        '10000',
        '9388',
        '2',
        '612 ms',
        '512 ms',
        '—',
        '',
      ]);
      expect(await rows.nth(1).locator('td').allTextContents()).toEqual([
        'rx (receiver) step 2',
        '10000',
        '6982',
        '0',
        '0 ms',
        '0 ms',
        '18 ms',
        '',
      ]);
      // The strip marks each outage where it fell: 40 % and 70 % into the 10 s run.
      const marks = rows.nth(0).locator('.outage-mark');
      expect(await marks.evaluateAll((els) => els.map((e) => (e as HTMLElement).style.left))).toEqual([
        '40%',
        '70%',
      ]);
      const timeline = ui.page.getByRole('table', { name: 'Timeline' }).locator('tbody tr');
      expect(await timeline.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-what')))).toEqual([
        'join',
        'event',
        'outage',
        'outage',
      ]);
      expect(await timeline.nth(1).locator('td').allTextContents()).toEqual([
        '+4.000 s',
        'event',
        'link:sw1/ge-0/0/2: link sw1 ge-0/0/2 – r2 eth1 removed',
        '',
      ]);
      expect(await timeline.nth(2).locator('td').allTextContents()).toEqual([
        '+4.000 s',
        'outage',
        'rx (receiver) step 1: stream 1 lost for 512 ms (512 frames)',
        '512 ms',
      ]);
      await ui.page.getByRole('heading', { name: 'Outages' }).scrollIntoViewIfNeeded();
      await screenshot(ui.page, 'results-convergence-run');
      expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
    });
  },
);
