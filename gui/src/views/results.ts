// Results: the runs list, and one run's page — its jobs, pass/fail per sequence step per participant
// with the mismatching field, for load tests the per-receiver figures and plots over time, for
// convergence tests the outages and their timeline. A job re-queued after its agent was lost shows its
// current attempt's results; earlier ones are listed apart.
import { Value } from 'typebox/value';
import {
  sequenceOfTask,
  type Job,
  type Run,
  type SequenceVersion,
  type StoredResult,
  type Task,
} from '@netspotter/shared/api';
import { AgentRunResultSchema, resultsOfKind, type Outcome } from '@netspotter/shared/results';
import { api } from '../api.ts';
import { dataTable, fill, h, when } from '../dom.ts';
import { grid } from '../grid.ts';
import { routeQuery, type View } from '../router.ts';
import { describeProgress } from '../tasks/progress.ts';
import { followRun } from '../tasks/follow-run.ts';
import { stepLabel } from '../sequences/document.ts';
import { stepMatrix, type Cell, type ParticipantRun } from '../results/step-matrix.ts';
import { lossColour, receiverSeries, type LoadJob, type ReceiverSeries } from '../results/load-series.ts';
import { lineChart } from '../results/line-chart.ts';
import { receiversOnTopology } from '../results/topology-panel.ts';
import { attemptNote, splitByAttempt } from '../results/attempts.ts';
import { sequenceOfRun, versionUsed, type VersionSource } from '../results/sequence-version.ts';
import { discoverySection } from '../results/discovery-section.ts';
import { convergenceSection } from '../results/convergence-section.ts';

const ACTIVE = new Set(['queued', 'running']);

export const resultsView: View = {
  path: '/results',
  title: 'Results',
  minRole: 'viewer',
  async render(root) {
    const runId = routeQuery().get('run');
    return runId ? runPage(root, runId) : runsList(root);
  },
};

/** Runs, newest first: filtered and sorted in the browser, more fetched on demand (up to the API's 1,000). */
async function runsList(root: HTMLElement): Promise<void> {
  let limit = 200;
  const tasks = await api<Task[]>('GET', '/api/tasks').catch(() => [] as Task[]);
  const task = (id: string) => tasks.find((t) => t.id === id);
  const more = h('button', { type: 'button', hidden: true }, 'Show older runs');
  const table = grid<Run>(
    'Runs',
    [
      {
        title: 'Run',
        value: (r) => r.id.slice(0, 8),
        cell: (r) => h('a', { href: `#/results?run=${r.id}` }, `Results ${r.id.slice(0, 8)}`),
      },
      { title: 'Task', value: (r) => task(r.taskId)?.name ?? r.taskId },
      { title: 'Kind', value: (r) => task(r.taskId)?.kind ?? '' },
      { title: 'Trigger', value: (r) => r.trigger },
      {
        title: 'State',
        value: (r) => r.state,
        cell: (r) => h('span', { class: `state state-${r.state}` }, r.state),
      },
      { title: 'Message', value: (r) => r.message ?? '' },
      { title: 'Started', value: (r) => r.startedAt ?? '', cell: (r) => when(r.startedAt) },
      { title: 'Finished', value: (r) => r.finishedAt ?? '', cell: (r) => when(r.finishedAt) },
    ],
    [],
    {
      csvName: 'runs',
      sort: { column: 6, desc: true },
      empty: 'No runs yet: run a sequence, a load test or a discovery.',
      rowAttrs: (r) => ({ 'data-run': r.id }),
    },
  );
  const load = async () => {
    const runs = await api<Run[]>('GET', `/api/runs?limit=${limit}`).catch(() => [] as Run[]);
    table.setRows(runs);
    more.hidden = runs.length < limit || limit >= 1000;
  };
  more.addEventListener('click', () => {
    limit = Math.min(1000, limit * 2);
    void load();
  });
  root.append(table.el, more);
  await load();
}

async function runPage(root: HTMLElement, runId: string): Promise<() => void> {
  const body = h('div', { class: 'run-page' });
  root.append(h('p', {}, h('a', { href: '#/results' }, '← All runs')), body);
  let stop = () => undefined as void;
  const cleanups: Array<() => void> = [];
  const draw = async () => {
    cleanups.splice(0).forEach((f) => f());
    const run = await api<Run>('GET', `/api/runs/${runId}`);
    const [task, jobs] = await Promise.all([
      api<Task>('GET', `/api/tasks/${run.taskId}`),
      api<Job[]>('GET', `/api/jobs?runId=${runId}&limit=1000`),
    ]);
    const byAttempt = await Promise.all(
      jobs.map(async (j) => splitByAttempt(j, await api<StoredResult[]>('GET', `/api/jobs/${j.id}/results`))),
    );
    // Every figure below is the current attempt's: an attempt lost with its agent is only listed.
    const results = byAttempt.map((r) => r.current);
    fill(
      body,
      runHeader(run, task),
      jobs.length ? jobsTable(jobs) : null,
      attemptsSection(
        jobs,
        byAttempt.map((r) => r.earlier),
      ),
      task.kind === 'sequence' ? await sequenceSection(task, run, jobs, results) : null,
      task.kind === 'load' ? await loadSection(run, jobs, results, cleanups) : null,
      task.kind === 'discovery' ? await discoverySection(run).catch(() => null) : null,
      task.kind === 'convergence'
        ? convergenceSection(run, (task.args as { durationMs: number }).durationMs)
        : null,
    );
    return run;
  };
  const run = await draw().catch(() => undefined);
  // A run still going is followed through the server's events and redrawn when it ends.
  if (run && ACTIVE.has(run.state))
    stop = followRun(
      runId,
      (r) => body.querySelector('.run-head')?.replaceWith(runHeader(r)),
      () => void draw().catch(() => undefined),
    );
  return () => {
    stop();
    cleanups.splice(0).forEach((f) => f());
  };
}

function runHeader(run: Run, task?: Task): HTMLElement {
  const p = describeProgress(run.progress);
  const head = h(
    'section',
    { class: 'run-head panel', 'aria-label': 'Run' },
    h(
      'h2',
      {},
      task ? `${task.name} ` : '',
      h('span', { class: `state state-${run.state}`, 'data-testid': 'run-state' }, run.state),
    ),
    h(
      'dl',
      { class: 'facts' },
      task ? [h('dt', {}, 'Kind'), h('dd', {}, task.kind)] : null,
      h('dt', {}, 'Trigger'),
      h('dd', {}, run.trigger),
      h('dt', {}, 'Started'),
      h('dd', {}, when(run.startedAt)),
      h('dt', {}, 'Finished'),
      h('dd', {}, when(run.finishedAt)),
      p.text ? [h('dt', {}, 'Progress'), h('dd', {}, p.text)] : null,
      run.message ? [h('dt', {}, 'Message'), h('dd', { class: 'message' }, run.message)] : null,
    ),
  );
  if (task) head.dataset.task = task.id;
  return head;
}

function jobsTable(jobs: Job[]): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'jobs-h' },
    h('h2', { id: 'jobs-h' }, 'Participants'),
    dataTable(
      'Jobs',
      ['Participant', 'State', 'Attempt', 'Engine', 'Clock offset', 'Message', 'Finished'],
      jobs.map((j) =>
        h(
          'tr',
          {},
          h('td', {}, j.participant),
          h(
            'td',
            {},
            h('span', { class: `state state-${j.state === 'done' ? 'succeeded' : j.state}` }, j.state),
          ),
          h('td', { class: 'num' }, j.attempt),
          h('td', {}, j.engine ?? '—'),
          h('td', {}, j.clockOffsetMs === null ? '—' : `${j.clockOffsetMs.toFixed(2)} ms`),
          h('td', { class: 'message' }, j.message ?? ''),
          h('td', {}, when(j.finishedAt)),
        ),
      ),
    ),
  );
}

/** Per re-queued job: which attempt is shown, when the earlier ones lost their agent, and their results on demand. */
function attemptsSection(jobs: Job[], earlier: StoredResult[][]): HTMLElement | null {
  const requeued = jobs.flatMap((j, i) => (j.attempt > 1 ? [{ job: j, earlier: earlier[i]! }] : []));
  if (!requeued.length) return null;
  const time = (iso: string) => new Date(iso).toLocaleTimeString();
  return h(
    'section',
    { class: 'attempts', 'aria-labelledby': 'attempts-h' },
    h('h2', { id: 'attempts-h' }, 'Attempts'),
    ...requeued.map(({ job, earlier }) =>
      h(
        'div',
        { class: 'attempt-note', 'data-job': job.id },
        h('p', { class: 'note' }, attemptNote(job, earlier.length, time)),
        earlier.length
          ? h(
              'details',
              {},
              h('summary', {}, `Show the earlier attempts' results of ${job.participant}`),
              dataTable(
                `Earlier results of ${job.participant}`,
                ['Attempt', 'Kind', 'Recorded', 'Data'],
                earlier.map((r) =>
                  h(
                    'tr',
                    {},
                    h('td', { class: 'num' }, r.attempt ?? 1),
                    h('td', {}, r.kind),
                    h('td', {}, when(r.at)),
                    h('td', {}, h('code', {}, JSON.stringify(r.data).slice(0, 200))),
                  ),
                ),
              ),
            )
          : null,
      ),
    ),
  );
}

const versionNote: Record<VersionSource, string> = {
  recorded: 'as this run compiled it',
  named: 'as the task names it',
  assumed:
    'assumed: this run was recorded before runs kept the version they compiled, so this is the newest version saved before it started',
};

const outcomeText: Record<Outcome, string> = {
  pass: 'pass',
  fail: 'FAIL',
  timeout: 'TIMEOUT',
};

function cellContent(c: Cell): HTMLElement {
  if (c.kind === 'none') return h('td', { class: 'cell-none', 'aria-label': 'not involved' }, '');
  if (c.kind === 'missing')
    return h(
      'td',
      { class: 'cell-missing' },
      h('span', { class: 'badge missing' }, 'not run'),
      h('div', { class: 'small' }, c.reason),
    );
  return h(
    'td',
    { class: `cell-${c.outcome}` },
    h('span', { class: `badge ${c.outcome}` }, outcomeText[c.outcome]),
    c.field
      ? h(
          'div',
          { class: 'mismatch' },
          'field ',
          h('code', {}, c.field),
          ': expected ',
          h('code', {}, c.expected ?? '?'),
          ', got ',
          h('code', {}, c.actual ?? '?'),
        )
      : c.detail && c.outcome !== 'pass'
        ? h('div', { class: 'small' }, c.detail)
        : null,
  );
}

async function sequenceSection(
  task: Task,
  run: Run,
  jobs: Job[],
  results: StoredResult[][],
): Promise<HTMLElement> {
  const ref = sequenceOfTask(task);
  const id = sequenceOfRun(run, ref?.sequenceId);
  const versions = id
    ? await api<SequenceVersion[]>('GET', `/api/sequences/${id}/versions`).catch(
        () => [] as SequenceVersion[],
      )
    : [];
  const { used, source } = versionUsed(versions, run, ref?.version);
  const section = h('section', { 'aria-labelledby': 'steps-h' }, h('h2', { id: 'steps-h' }, 'Steps'));
  if (!used) {
    const which = run.sequenceVersion ? ` (version ${run.sequenceVersion} of “${run.sequenceName}”)` : '';
    return (
      section.append(h('p', { class: 'empty' }, `The sequence this run used${which} is gone.`)),
      section
    );
  }
  const runs: ParticipantRun[] = jobs.map((j, i) => ({
    participant: j.participant,
    state: j.state,
    message: j.message,
    plan: j.plan,
    outcomes: resultsOfKind(results[i]!, 'step'),
  }));
  const m = stepMatrix(used.definition, runs);
  const failed = m.rows.filter((r) => !r.passed).length;
  section.append(
    h(
      'p',
      { class: 'summary' },
      `Version ${used.version}${run.sequenceName ? ` of “${run.sequenceName}”` : ''} `,
      h('span', { class: `version-source version-${source}` }, `(${versionNote[source]})`),
      ': ',
      h(
        'strong',
        {},
        failed ? `${failed} of ${m.rows.length} steps did not pass` : `all ${m.rows.length} steps passed`,
      ),
    ),
    h(
      'table',
      { 'aria-label': 'Step results', class: 'step-matrix' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', {}, '#'), h('th', {}, 'Step'), ...m.participants.map((p) => h('th', {}, p))),
      ),
      h(
        'tbody',
        {},
        ...m.rows.map((r) =>
          h(
            'tr',
            { class: r.passed ? 'passed' : 'failed', 'data-step': r.index },
            h('td', {}, String(r.index + 1)),
            h('td', {}, stepLabel(r.step)),
            ...m.participants.map((p) => cellContent(r.cells[p]!)),
          ),
        ),
        // Barriers the compiler put between steps, when it put any.
        m.participants.some((p) => m.sync[p]!.total > 0) &&
          h(
            'tr',
            { class: 'sync-row' },
            h('td', {}, ''),
            h('td', { class: 'small' }, 'synchronisation the compiler added'),
            ...m.participants.map((p) => {
              const s = m.sync[p]!;
              return h(
                'td',
                { class: 'small' },
                s.failed.length
                  ? h('span', { class: 'badge timeout' }, `${s.failed.length} of ${s.total} held up`)
                  : `${s.total} passed`,
                ...s.failed.map((f) => h('div', {}, f.detail ?? f.outcome)),
              );
            }),
          ),
      ),
    ),
  );
  return section;
}

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(r > 0 && r < 0.001 ? 3 : 2)} %`);
const ms = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(2)} ms`);

async function loadSection(
  run: Run,
  jobs: Job[],
  results: StoredResult[][],
  cleanups: Array<() => void>,
): Promise<HTMLElement> {
  const summary = Value.Check(AgentRunResultSchema, run.result) ? (run.result.load?.receivers ?? []) : [];
  const loadJobs: LoadJob[] = jobs.map((j, i) => ({
    participant: j.participant,
    plan: j.plan,
    series: resultsOfKind(results[i]!, 'series'),
  }));
  const receivers = receiverSeries(loadJobs, summary);
  const section = h('section', { 'aria-labelledby': 'load-h' }, h('h2', { id: 'load-h' }, 'Receivers'));
  if (receivers.length === 0) {
    section.append(h('p', { class: 'empty' }, 'No receiver reported yet.'));
    return section;
  }
  section.append(
    dataTable(
      'Receivers',
      ['Receiver', 'Sent', 'Received', 'Lost', 'Loss', 'Latency p50', 'Latency p99', 'Jitter'],
      receivers.map((r) =>
        h(
          'tr',
          { 'data-receiver': r.receiver },
          h(
            'td',
            {},
            h('span', { class: 'loss-dot', style: `background:${lossColour(r.totals.lossRatio)}` }),
            r.receiver,
          ),
          h('td', { class: 'num' }, r.totals.sent ?? '—'),
          h('td', { class: 'num' }, r.totals.received),
          h('td', { class: 'num' }, r.totals.lost ?? '—'),
          h('td', { class: 'num' }, pct(r.totals.lossRatio)),
          h('td', { class: 'num' }, ms(r.p50)),
          h('td', { class: 'num' }, ms(r.p99)),
          h('td', { class: 'num' }, ms(r.jitterMs)),
        ),
      ),
    ),
    ...receivers.map(receiverCharts),
    await receiversOnTopology(receivers, jobs, cleanups),
  );
  return section;
}

function receiverCharts(r: ReceiverSeries): HTMLElement {
  const x = r.seconds;
  return h(
    'figure',
    { class: 'receiver-charts', 'data-receiver': r.receiver },
    h('figcaption', {}, r.receiver),
    h(
      'div',
      { class: 'charts' },
      lineChart({
        title: 'Throughput',
        unit: 'frames/s',
        x,
        xLabel: 'seconds from start',
        lines: [
          { name: 'received', colour: '#2f6fb3', values: r.received },
          { name: 'sent', colour: '#9aa5b1', values: r.expected, dashed: true },
        ],
      }),
      lineChart({
        title: 'Loss',
        unit: 'frames/s',
        x,
        xLabel: 'seconds from start',
        lines: [{ name: 'lost', colour: '#c62828', values: r.lost }],
      }),
      lineChart({
        title: 'Latency',
        unit: 'ms',
        x,
        xLabel: 'seconds from start',
        // Per-second percentiles when the agent sent them; otherwise the run's p50/p99 as reference lines.
        lines: [
          { name: 'mean per second', colour: '#6a4c93', values: r.latencyMs },
          ...(r.latencyP50Ms ? [{ name: 'p50 per second', colour: '#2e8540', values: r.latencyP50Ms }] : []),
          ...(r.latencyP99Ms ? [{ name: 'p99 per second', colour: '#e07b00', values: r.latencyP99Ms }] : []),
        ],
        refs: r.latencyP50Ms
          ? []
          : [
              ...(r.p50 !== undefined ? [{ name: 'p50', value: r.p50, colour: '#2e8540' }] : []),
              ...(r.p99 !== undefined ? [{ name: 'p99', value: r.p99, colour: '#e07b00' }] : []),
            ],
      }),
    ),
  );
}
