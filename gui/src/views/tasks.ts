// Tasks, their cron schedules (next fire times from the server) and the run history.
import type { Run, Schedule, Task, TaskKindInfo as Kind } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { dataTable, fill, h, when } from '../dom.ts';
import { editButton, editable, field, routeFieldError, select, textInput } from '../forms.ts';
import { noticeInfo } from '../notices.ts';
import type { View } from '../router.ts';
import { canEdit } from '../session.ts';
import { describeProgress } from '../tasks/progress.ts';
import { cronFields, nextRunList } from '../tasks/cron-field.ts';
import { followRun } from '../tasks/follow-run.ts';
import { taskForm } from '../tasks/task-form.ts';
import { detailWords } from '../detail-words.ts';

const ACTIVE = new Set(['queued', 'running']);

export const tasksView: View = {
  path: '/tasks',
  title: 'Tasks & schedules',
  minRole: 'viewer',
  async render(root) {
    let tasks: Task[] = [];
    const taskTable = h('div', { class: 'table-wrap' });
    const scheduleTable = h('div', { class: 'table-wrap' });
    const runTable = h('div', { class: 'table-wrap' });
    const taskName = (id: string) => tasks.find((t) => t.id === id)?.name ?? id;
    const taskPickers: HTMLSelectElement[] = [];
    const following = new Map<string, () => void>();
    let gone = false;

    const loadRuns = async () => {
      const runs = await api<Run[]>('GET', '/api/runs?limit=50');
      fill(
        runTable,
        runs.length === 0 ? h('p', { class: 'empty' }, 'No runs yet.') : runsTable(runs, taskName),
      );
      // Follow active runs through the server's events until they finish (no polling).
      for (const r of runs) {
        if (gone || !ACTIVE.has(r.state) || following.has(r.id)) continue;
        const stop = followRun(
          r.id,
          (run) => runTable.querySelector(`tr[data-run="${run.id}"]`)?.replaceWith(runRow(run, taskName)),
          () => {
            following.delete(r.id);
            if (!gone) void loadRuns().catch(() => undefined);
          },
        );
        following.set(r.id, stop);
      }
    };
    const loadSchedules = async () => {
      const schedules = await api<Schedule[]>('GET', '/api/schedules');
      fill(
        scheduleTable,
        schedules.length === 0
          ? h('p', { class: 'empty' }, 'No schedules yet.')
          : schedulesTable(schedules, taskName, loadSchedules),
      );
    };
    const loadTasks = async () => {
      tasks = await api<Task[]>('GET', '/api/tasks');
      for (const s of taskPickers) {
        const chosen = s.value;
        fill(s, ...tasks.map((t) => h('option', { value: t.id }, `${t.name} (${t.kind})`)));
        if (chosen) s.value = chosen;
      }
      fill(
        taskTable,
        tasks.length === 0
          ? h('p', { class: 'empty' }, 'No tasks yet.')
          : dataTable(
              'Tasks',
              ['Name', 'Kind', 'Arguments', 'Created', ''],
              tasks.map((t) =>
                h(
                  'tr',
                  {},
                  h('td', {}, t.name),
                  h('td', {}, t.kind),
                  h('td', { class: 'small' }, detailWords(t.args)),
                  h('td', {}, when(t.createdAt)),
                  h(
                    'td',
                    { class: 'actions' },
                    editButton(
                      'Run now',
                      async () => {
                        await api('POST', `/api/tasks/${t.id}/run`).catch(() => undefined);
                        noticeInfo(`${t.name} queued`);
                        await loadRuns();
                      },
                      { 'aria-label': `Run now: ${t.name}` },
                    ),
                    editButton(
                      'Delete',
                      async () => {
                        if (!confirm(`Delete task ${t.name} with its schedules and runs?`)) return;
                        await api('DELETE', `/api/tasks/${t.id}`).catch(() => undefined);
                        await Promise.all([loadTasks(), loadSchedules(), loadRuns()]);
                      },
                      { 'aria-label': `Delete ${t.name}` },
                    ),
                  ),
                ),
              ),
            ),
      );
    };

    const kinds = await api<Kind[]>('GET', '/api/task-kinds').catch(() => [] as Kind[]);
    root.append(
      h(
        'section',
        { 'aria-labelledby': 'tasks-h' },
        h('h2', { id: 'tasks-h' }, 'Tasks'),
        taskTable,
        await taskForm(kinds, loadTasks),
      ),
      h(
        'section',
        { 'aria-labelledby': 'sched-h' },
        h('h2', { id: 'sched-h' }, 'Schedules'),
        scheduleTable,
        scheduleForm(taskPickers, loadSchedules),
      ),
      h('section', { 'aria-labelledby': 'runs-h' }, h('h2', { id: 'runs-h' }, 'Run history'), runTable),
    );
    await Promise.all([loadTasks(), loadSchedules(), loadRuns()]).catch(() => undefined);
    return () => {
      gone = true;
      for (const stop of following.values()) stop();
    };
  },
};

function scheduleForm(taskPickers: HTMLSelectElement[], reload: () => Promise<void>): HTMLFormElement {
  const taskSelect = select('taskId', []);
  taskPickers.push(taskSelect);
  const timing = cronFields();
  const f = { taskId: field('Task', taskSelect), cron: timing.cron, timezone: timing.timezone };
  const form = h(
    'form',
    { 'aria-label': 'New schedule' },
    editable(
      'New schedule',
      ...Object.values(f).map((x) => x.wrap),
      timing.preview,
      h('button', { type: 'submit' }, 'Schedule'),
    ),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    for (const x of Object.values(f)) x.setError();
    try {
      await api<Schedule>('POST', '/api/schedules', { taskId: f.taskId.input.value, ...timing.value() });
      noticeInfo('Schedule saved');
      await reload();
    } catch (err) {
      routeFieldError(err, f);
    }
  });
  return form;
}

function schedulesTable(
  schedules: Schedule[],
  taskName: (id: string) => string,
  reload: () => Promise<void>,
): HTMLTableElement {
  return dataTable(
    'Schedules',
    ['Task', 'Cron', 'Enabled', 'Next runs', 'Last run', ''],
    schedules.map((s) => scheduleRow(s, taskName(s.taskId), reload)),
  );
}

function scheduleRow(s: Schedule, task: string, reload: () => Promise<void>): HTMLTableRowElement {
  const cron = field(`Cron of ${task}`, textInput('cron', { value: s.cron, class: 'mono', size: 16 }));
  cron.wrap.classList.add('inline');
  const enabled = h('input', {
    type: 'checkbox',
    'aria-label': `Enabled: ${task}`,
    ...(s.enabled && { checked: true }),
  });
  const patch = async (body: Record<string, unknown>) => {
    cron.setError();
    try {
      await api('PATCH', `/api/schedules/${s.id}`, body);
      noticeInfo('Schedule updated');
      await reload();
    } catch (err) {
      routeFieldError(err, { cron });
    }
  };
  if (canEdit()) {
    cron.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') void patch({ cron: cron.input.value.trim() });
    });
    enabled.addEventListener('change', () => void patch({ enabled: enabled.checked }));
  } else {
    cron.input.disabled = true;
    enabled.disabled = true;
  }
  return h(
    'tr',
    {},
    h('td', {}, task),
    h('td', {}, cron.wrap),
    h('td', {}, enabled),
    h('td', {}, nextRunList(s.nextRuns), s.timezone ? h('div', { class: 'small' }, s.timezone) : null),
    h('td', {}, when(s.lastRunAt)),
    h(
      'td',
      { class: 'actions' },
      editButton('Save', () => void patch({ cron: cron.input.value.trim() }), {
        'aria-label': `Save cron of ${task}`,
      }),
      editButton(
        'Delete',
        async () => {
          if (!confirm(`Delete the schedule of ${task}?`)) return;
          await api('DELETE', `/api/schedules/${s.id}`).catch(() => undefined);
          await reload();
        },
        { 'aria-label': `Delete schedule of ${task}` },
      ),
    ),
  );
}

function runsTable(runs: Run[], taskName: (id: string) => string): HTMLTableElement {
  return dataTable(
    'Runs',
    ['Task', 'Trigger', 'State', 'Progress', 'Message', 'Queued', 'Finished', ''],
    runs.map((r) => runRow(r, taskName)),
  );
}

function runRow(r: Run, taskName: (id: string) => string): HTMLTableRowElement {
  const p = describeProgress(r.progress);
  return h(
    'tr',
    { 'data-run': r.id },
    h('td', {}, taskName(r.taskId)),
    h('td', {}, r.trigger),
    h('td', {}, h('span', { class: `state state-${r.state}` }, r.state)),
    h(
      'td',
      {},
      p.fraction !== undefined ? h('progress', { max: 1, value: p.fraction, 'aria-label': p.text }) : null,
      h('span', { class: 'small' }, ` ${p.text}`),
    ),
    h('td', { class: 'message' }, r.message ?? ''),
    h('td', {}, when(r.createdAt)),
    h('td', {}, when(r.finishedAt)),
    h('td', {}, h('a', { href: `#/results?run=${r.id}` }, 'Results')),
  );
}
