// Results in real Chromium for runs with real job results: the jobs were leased and the results
// uploaded through the agent API over HTTPS by enrolled stand-in agents (no rows written around the
// API). A sequence run started from the editor shows pass/fail per step per participant with the
// mismatching field; a load run shows the receivers' figures and plots over time; a job re-queued after
// its agent was lost shows its current attempt, with a note on the lost one.
import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { missingParts } from '../../test/support/system.ts';
import { CHROMIUM, screenshot, unexpectedErrors } from './support/browser.ts';
import { ADMIN_PASSWORD } from './support/app-server.ts';
import { browserSuite } from './support/browser-suite.ts';
import { enrolLabAgent, leaseJob, reportLoadRun, type LabAgent } from './support/lab-agent.ts';
import { until } from '../../server/test/support/until.ts';

const udpTo = (group: string) => ({
  template: 'ethernet',
  values: {
    dst: '33:33:00:00:43:21',
    body: { template: 'ipv6', values: { dst: group, body: { template: 'udp', values: { dstPort: 5000 } } } },
  },
});

describe.skipIf(missingParts({ paths: [CHROMIUM] }))('results in Chromium', { timeout: 90_000 }, () => {
  let tx: LabAgent;
  let rx: LabAgent;
  const ui = browserSuite(async (app) => {
    tx = await enrolLabAgent(app, 'tx', [
      { name: 'eth0', mac: '02:00:00:00:0a:01', addresses: ['2001:db8:a::1/64'] },
    ]);
    rx = await enrolLabAgent(app, 'rx', [
      { name: 'eth0', mac: '02:00:00:00:0b:01', addresses: ['2001:db8:b::1/64'] },
    ]);
  });
  const login = () => ui.logIn('admin', ADMIN_PASSWORD);
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

  /** The step matrix's badges (pass, FAIL, …) per step row, '' where a cell has none. */
  const badges = (matrix: Locator) =>
    matrix
      .locator('tbody tr[data-step]')
      .evaluateAll((trs) =>
        trs.map((tr) =>
          [...tr.querySelectorAll('td')].map((td) => td.querySelector('.badge')?.textContent ?? ''),
        ),
      );

  it('shows a sequence run started from the editor: pass/fail per step and participant, the mismatching field', async () => {
    const seq = await api('POST', '/api/sequences', {
      name: 'ssm-probe',
      definition: {
        participants: [
          { name: 'h1', agent: 'tx', interface: 'eth0' },
          { name: 'h2', agent: 'rx', interface: 'eth0' },
        ],
        steps: [
          { op: 'join', at: 'h2', group: 'ff3e::4321', source: '$h1' },
          { op: 'send', from: 'h1', message: udpTo('ff3e::4321'), count: 5 },
          { op: 'expect', at: 'h2', message: udpTo('ff3e::4321'), count: 5, timeoutMs: 1000 },
          { op: 'expect-none', at: 'h2', message: udpTo('ff3e::9999'), timeoutMs: 500 },
        ],
      },
    });
    await login();
    await ui.page.goto(`${ui.app.url}/#/sequences?id=${seq.id}`);
    await ui.page.getByRole('button', { name: 'Run now' }).click();
    const link = ui.page.getByRole('link', { name: 'Results of this run' });
    await link.waitFor();

    // The agents' side: their plans, per-step outcomes as run-plan reports them, then the final result.
    const [txJob, rxJob] = await Promise.all([leaseJob(tx), leaseJob(rx)]);
    expect(txJob.plan.steps.map((s) => s.op)).toEqual(['barrier', 'send']);
    expect(rxJob.plan.steps.map((s) => s.op)).toEqual(['join', 'barrier', 'expect', 'expect-none']);
    const step = (n: number, op: string, extra: object = {}) => ({
      kind: 'step',
      data: { step: n, op, outcome: 'pass', ...extra },
    });
    await tx.upload(txJob.id, [step(0, 'barrier'), step(1, 'send', { sent: 5 })]);
    const mismatch = {
      outcome: 'fail',
      field: 'body.dst',
      expected: 'ff3e::4321',
      actual: 'ff3e::4322',
      detail: 'field body.dst: expected ff3e::4321, got ff3e::4322 (3/5 matched in 1000 ms)',
    };
    await rx.upload(rxJob.id, [
      step(0, 'join'),
      step(1, 'barrier'),
      step(2, 'expect', mismatch),
      step(3, 'expect-none', { matched: 0 }),
    ]);
    await tx.upload(txJob.id, [
      { kind: 'final', data: { ok: true, message: '2 steps passed', engine: 'cap', clockOffsetMs: 0.4 } },
    ]);
    await rx.upload(rxJob.id, [
      {
        kind: 'final',
        data: { ok: false, message: 'step 2 (expect) fail', engine: 'cap', clockOffsetMs: -1.2 },
      },
    ]);

    // The editor followed the run through its events; its results link opens the run's page.
    await ui.page.locator('[data-testid="run-state"].state-failed').waitFor({ timeout: 20_000 });
    await link.click();
    const matrix = ui.page.getByRole('table', { name: 'Step results' });
    await matrix.waitFor();
    const cells = await badges(matrix);
    expect(cells).toEqual([
      ['', '', '', 'pass'],
      ['', '', 'pass', ''],
      ['', '', '', 'FAIL'],
      ['', '', '', 'pass'],
    ]);
    const failed = matrix.locator('tr[data-step="2"] td.cell-fail .mismatch');
    expect(await failed.textContent()).toBe('field body.dst: expected ff3e::4321, got ff3e::4322');
    expect(await ui.page.locator('.summary').textContent()).toBe(
      'Version 1 of “ssm-probe” (as this run compiled it): 1 of 4 steps did not pass',
    );
    expect(await matrix.locator('tr.sync-row').textContent()).toContain('1 passed');
    const jobs = ui.page.getByRole('table', { name: 'Jobs' });
    expect(await jobs.textContent()).toContain('step 2 (expect) fail');
    expect(await jobs.textContent()).toContain('-1.20 ms');
    await screenshot(ui.page, 'results-sequence-run');
    expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
  });

  it('a job re-queued after its agent was lost shows its current attempt, with a note on the lost one', async () => {
    const seq = await api('POST', '/api/sequences', {
      name: 'requeue-probe',
      definition: {
        participants: [{ name: 'h2', agent: 'rx', interface: 'eth0' }],
        steps: [
          { op: 'join', at: 'h2', group: 'ff3e::4321' },
          { op: 'expect', at: 'h2', message: udpTo('ff3e::4321'), count: 5, timeoutMs: 1000 },
          // Keeps the lease (plan end + 15 s) past the 30 s it takes to declare the agent lost.
          { op: 'wait', ms: 30_000 },
        ],
      },
    });
    const task = await api('POST', '/api/tasks', {
      name: 'requeue probe',
      kind: 'sequence',
      args: { sequenceId: seq.id, startDelayMs: 500, requeueOnAgentLoss: true, requeueWithinMs: 120_000 },
    });
    const run = await api('POST', `/api/tasks/${task.id}/run`);
    const step = (n: number, op: string, extra: object = {}) => ({
      kind: 'step',
      data: { step: n, op, outcome: 'pass', ...extra },
    });
    const first = await leaseJob(rx);
    await rx.upload(first.id, [
      step(0, 'join'),
      step(1, 'expect', { outcome: 'fail', detail: 'field body.dst: 2/5 matched in 1000 ms' }),
    ]);
    const recordedAt = Date.now();
    // rx falls silent: offline after 6 missed beats (5 s each on this server), its job back in the queue.
    const requeued = await until(
      () => api('GET', `/api/jobs/${first.id}`),
      (j) => j.state === 'queued',
      45_000,
      500,
    );
    expect(requeued).toMatchObject({ state: 'queued', attempt: 2 });
    const again = await leaseJob(rx);
    expect(again.id).toBe(first.id);
    // The agent's journal replays a record of attempt 1 after the new lease: it stays attempt 1's.
    const replay = [{ kind: 'event', data: { message: 'journalled while away' }, at: recordedAt }];
    await rx.upload(again.id, replay);
    await rx.upload(again.id, [
      step(0, 'join'),
      step(1, 'expect', { matched: 5 }),
      step(2, 'wait'),
      { kind: 'final', data: { ok: true, message: '3 steps passed', engine: 'cap', clockOffsetMs: 0.1 } },
    ]);
    expect(
      (
        await until(
          () => api('GET', `/api/runs/${run.id}`),
          (r) => r.state === 'succeeded',
        )
      ).state,
    ).toBe('succeeded');

    await login();
    await ui.page.goto(`${ui.app.url}/#/results?run=${run.id}`);
    const matrix = ui.page.getByRole('table', { name: 'Step results' });
    await matrix.waitFor();
    const cells = await badges(matrix);
    expect(cells).toEqual([
      ['', '', 'pass'],
      ['', '', 'pass'],
      ['', '', 'pass'],
    ]);
    expect(await ui.page.locator('.summary').textContent()).toBe(
      'Version 1 of “requeue-probe” (as this run compiled it): all 3 steps passed',
    );
    const note = ui.page.locator(`.attempt-note[data-job="${first.id}"] .note`);
    expect(await note.textContent()).toMatch(
      /^attempt 2 of job h2 — attempt 1 lost its agent at \d{1,2}:\d{2}:\d{2}.*; its 3 earlier results are kept$/,
    );
    const earlier = ui.page.getByRole('table', { name: 'Earlier results of h2' });
    expect(await earlier.isVisible()).toBe(false);
    await ui.page.getByText("Show the earlier attempts' results of h2").click();
    await earlier.waitFor();
    const rows = await earlier
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)),
      );
    expect(rows.sort()).toEqual([
      ['1', 'event'],
      ['1', 'step'],
      ['1', 'step'],
    ]);
    expect(await earlier.textContent()).toContain('2/5 matched');
    const jobs = ui.page.getByRole('table', { name: 'Jobs' });
    expect(await jobs.locator('tbody tr td').nth(2).textContent()).toBe('2');
    await screenshot(ui.page, 'results-requeued-job');
    expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
  });

  it('plots a load run per receiver: throughput, loss and latency over time, with the totals', async () => {
    const task = await api('POST', '/api/tasks', {
      name: 'load 100 pps',
      kind: 'load',
      args: {
        group: 'ff3e::1234',
        senders: [{ agent: 'tx', interface: 'eth0' }],
        receivers: [{ agent: 'rx', interface: 'eth0' }],
        pps: 100,
        durationMs: 5000,
        startDelayMs: 500,
      },
    });
    const run = await api('POST', `/api/tasks/${task.id}/run`);
    // 500 sent; the receiver lost 40 in second 2 and 10 in second 3, latency rising while it lost.
    await reportLoadRun(tx, rx, [100, 100, 60, 90, 100], [0.8, 0.9, 4.5, 2.1, 0.9]);

    await login();
    await ui.page.goto(`${ui.app.url}/#/results`);
    await ui.page.getByRole('table', { name: 'Runs' }).locator(`tr[data-run="${run.id}"] a`).click();
    await ui.page.locator('[data-testid="run-state"].state-succeeded').waitFor({ timeout: 20_000 });
    const row = ui.page.getByRole('table', { name: 'Receivers' }).locator('tbody tr');
    await row.first().waitFor();
    const texts = await row.first().locator('td').allTextContents();
    expect(texts).toEqual(['rx (receiver)', '500', '450', '50', '10.00 %', '0.90 ms', '5.20 ms', '0.35 ms']);
    const charts = ui.page.locator('figure.receiver-charts[data-receiver="rx (receiver)"] svg.line-chart');
    expect(await charts.evaluateAll((svgs) => svgs.map((s) => s.getAttribute('aria-label')))).toEqual([
      'Throughput (frames/s) over seconds from start',
      'Loss (frames/s) over seconds from start',
      'Latency (ms) over seconds from start',
    ]);
    // The loss line peaks at second 2 (40 lost): its highest point is the lowest y on the canvas.
    const lossPath = await charts.nth(1).locator('path.series').getAttribute('d');
    const ys = [...lossPath!.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(5);
    expect(ys.indexOf(Math.min(...ys))).toBe(2);
    // Latency per second: the mean and the agent's own per-second p50 and p99 (p99 peaks with the loss).
    expect(await charts.nth(2).locator('text.legend').allTextContents()).toEqual([
      'mean per second',
      'p50 per second',
      'p99 per second',
    ]);
    const p99Path = await charts.nth(2).locator('path.series').nth(2).getAttribute('d');
    const p99ys = [...p99Path!.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
    expect(p99ys.indexOf(Math.min(...p99ys))).toBe(2);
    expect(await ui.page.locator('.on-topology').textContent()).toContain('No discovery snapshot');
    await screenshot(ui.page, 'results-load-run');
    expect(unexpectedErrors(ui.browser.errors)).toEqual([]);
  });
});
