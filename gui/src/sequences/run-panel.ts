// "Run and schedule" of the sequence editor: run the saved version now (its state followed live, with
// a link to its results) or schedule it with a cron expression. Both go through the sequence's task,
// created the first time it is needed.
import type { Run, Schedule, Task } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { fill, h } from '../dom.ts';
import { editable, routeFieldError } from '../forms.ts';
import { noticeError, noticeInfo } from '../notices.ts';
import { cronFields, nextRunList } from '../tasks/cron-field.ts';
import { followRun } from '../tasks/follow-run.ts';
import { describeProgress } from '../tasks/progress.ts';

export interface RunPanelSource {
  /** The sequence's task (created when it has none yet). */
  task(): Promise<Task>;
  /** The sequence's name, for notices. */
  name(): string;
  /** Whether a saved version with no unsaved changes is open. */
  ready(): boolean;
}

export interface RunPanel {
  el: HTMLElement;
  /** Enables the run button as the editor's state allows. */
  update(mayEdit: boolean): void;
  /** Forgets the run shown (another sequence was opened). */
  clear(): void;
  /** Stops following runs. */
  stop(): void;
}

export function runPanel(source: RunPanelSource): RunPanel {
  const runBtn = h('button', { type: 'button' }, 'Run now');
  const runArea = h('div', { class: 'run-area', 'aria-live': 'polite' });
  const stops: Array<() => void> = [];

  const showRun = (run: Run) => {
    const p = describeProgress(run.progress);
    fill(
      runArea,
      h('span', { class: `state state-${run.state}`, 'data-testid': 'run-state' }, run.state),
      ' ',
      p.text ? h('span', { class: 'small' }, p.text, ' ') : null,
      run.message ? h('span', { class: 'message' }, run.message, ' ') : null,
      h('a', { href: `#/results?run=${run.id}` }, 'Results of this run'),
    );
  };
  runBtn.addEventListener('click', async () => {
    try {
      const task = await source.task();
      const run = await api<Run>('POST', `/api/tasks/${task.id}/run`);
      noticeInfo(`${source.name()} queued`);
      showRun(run);
      stops.push(followRun(run.id, showRun, () => undefined));
    } catch {
      // the notice says why
    }
  });

  const timing = cronFields();
  const scheduled = h('div', { class: 'next-runs' });
  const scheduleForm = h(
    'form',
    { 'aria-label': 'Schedule this sequence' },
    timing.cron.wrap,
    timing.timezone.wrap,
    timing.preview,
    h('button', { type: 'submit' }, 'Schedule'),
    scheduled,
  );
  scheduleForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!source.ready()) {
      noticeError('Save the sequence before scheduling it');
      return;
    }
    try {
      const task = await source.task();
      const s = await api<Schedule>('POST', '/api/schedules', { taskId: task.id, ...timing.value() });
      noticeInfo('Schedule saved');
      fill(timing.preview); // the stored schedule's runs replace the preview
      fill(scheduled, h('strong', {}, 'Scheduled; next runs: '), nextRunList(s.nextRuns));
    } catch (err) {
      routeFieldError(err, { cron: timing.cron, timezone: timing.timezone });
    }
  });

  return {
    el: h(
      'section',
      { class: 'panel', 'aria-labelledby': 'run-h' },
      h('h2', { id: 'run-h' }, 'Run and schedule'),
      editable('Run', h('div', { class: 'buttons' }, runBtn, runArea), scheduleForm),
    ),
    update(mayEdit) {
      runBtn.disabled = !mayEdit || !source.ready();
      runBtn.title = source.ready() ? 'Run the saved version now' : 'Save the sequence first';
    },
    clear: () => fill(runArea),
    stop: () => stops.forEach((stop) => stop()),
  };
}
