// "Discover now" and "Schedule…" for the chosen targets (or all): the discovery task is made for the
// user, who never types JSON or ids. Discover now opens the run's page, which follows its progress.
import type { Run, Schedule, Task } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { h } from '../dom.ts';
import { editButton } from '../forms.ts';
import { noticeInfo } from '../notices.ts';
import { cronFields } from '../tasks/cron-field.ts';
import { routeFieldError } from '../forms.ts';

/** The discovery task for a choice of targets: the standing "all targets" task is reused. */
async function discoveryTask(ids: string[] | undefined, total: number): Promise<Task> {
  const all = ids === undefined || ids.length === total;
  const name = all
    ? 'Discover all targets'
    : `Discover ${ids!.length} target${ids!.length === 1 ? '' : 's'} (${new Date().toLocaleString()})`;
  if (all) {
    const existing = (await api<Task[]>('GET', '/api/tasks')).find(
      (t) => t.kind === 'discovery' && t.name === name,
    );
    if (existing) return existing;
  }
  return api<Task>('POST', '/api/tasks', { name, kind: 'discovery', args: all ? {} : { targetIds: ids } });
}

export function discoverActions(selection: () => { ids: string[]; total: number }): HTMLElement {
  const what = () => {
    const { ids, total } = selection();
    return ids.length
      ? `${ids.length} selected target${ids.length === 1 ? '' : 's'}`
      : `all ${total} targets`;
  };
  const now = editButton('Discover now', async () => {
    const { ids, total } = selection();
    if (total === 0) return;
    now.disabled = true;
    try {
      const task = await discoveryTask(ids.length ? ids : undefined, total);
      const run = await api<Run>('POST', `/api/tasks/${task.id}/run`);
      location.hash = `#/results?run=${run.id}`;
      noticeInfo(`Discovery of ${what()} started`);
    } catch {
      now.disabled = false;
    }
  });
  now.classList.add('primary');
  const dialog = scheduleDialog(selection, what);
  const schedule = editButton('Schedule…', () => {
    dialog.hidden = false;
    dialog.querySelector<HTMLInputElement>('input')?.focus();
  });
  return h('div', { class: 'discover-actions' }, now, schedule, dialog);
}

function scheduleDialog(selection: () => { ids: string[]; total: number }, what: () => string): HTMLElement {
  const timing = cronFields();
  timing.cron.input.value = '0 3 * * *';
  const title = h('h3', { id: 'schedule-h' }, 'Schedule a discovery');
  const close = h('button', { type: 'button', 'data-close': '', 'aria-label': 'Close' }, 'Cancel');
  const form = h(
    'form',
    {
      class: 'popover panel',
      role: 'dialog',
      'aria-labelledby': 'schedule-h',
      'data-closable': '',
      hidden: true,
    },
    title,
    h(
      'p',
      { class: 'small' },
      'Runs a discovery of the chosen targets at these times (server time unless a zone is given).',
    ),
    timing.cron.wrap,
    timing.timezone.wrap,
    timing.preview,
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Save schedule'), close),
  );
  close.addEventListener('click', () => (form.hidden = true));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { ids, total } = selection();
    try {
      const task = await discoveryTask(ids.length ? ids : undefined, total);
      await api<Schedule>('POST', '/api/schedules', { taskId: task.id, ...timing.value() });
      noticeInfo(`Discovery of ${what()} scheduled (${timing.value().cron}); see Tasks & schedules`);
      form.hidden = true;
    } catch (err) {
      routeFieldError(err, { cron: timing.cron, timezone: timing.timezone });
    }
  });
  return form;
}
