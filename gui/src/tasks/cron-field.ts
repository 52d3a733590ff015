// A cron expression and time zone with the next fire times in words as the user types, from the
// server's preview (the same check that stores a schedule, so both agree on what is valid).
import { api, RequestError } from '../api.ts';
import { fill, h, when } from '../dom.ts';
import { field, routeFieldError, textInput, type Field } from '../forms.ts';
import { inWords } from './progress.ts';

const CRON_HINT =
  'minute hour day-of-month month day-of-week (an optional seconds field first), e.g. "*/15 * * * *"';

export interface CronFields {
  cron: Field<HTMLInputElement>;
  timezone: Field<HTMLInputElement>;
  /** The next runs, shown below the fields. */
  preview: HTMLElement;
  /** What to send: cron and (if given) timezone. */
  value(): { cron: string; timezone?: string };
}

export const nextRunList = (runs: string[]): HTMLElement =>
  runs.length === 0
    ? h('span', {}, 'none (disabled)')
    : h(
        'ol',
        { class: 'next-list' },
        ...runs.map((r) => h('li', {}, `${when(r)} (${inWords(r, Date.now())})`)),
      );

export function cronFields(): CronFields {
  const cron = field(
    'Cron expression',
    textInput('cron', { required: true, placeholder: '*/15 * * * *', class: 'mono' }),
    CRON_HINT,
  );
  const timezone = field(
    'Time zone',
    // The placeholder fits the field; what an empty field means is said below it.
    textInput('timezone', { placeholder: 'e.g. Europe/Berlin' }),
    'empty: the server’s time zone',
  );
  const preview = h('div', { class: 'next-runs', 'aria-live': 'polite', 'data-testid': 'cron-preview' });
  const value = () => ({
    cron: cron.input.value.trim(),
    ...(timezone.input.value.trim() && { timezone: timezone.input.value.trim() }),
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  const refresh = async () => {
    const v = value();
    const mine = ++asked;
    cron.setError();
    timezone.setError();
    if (!v.cron) return fill(preview);
    const query = new URLSearchParams(v);
    try {
      const { nextRuns } = await api<{ nextRuns: string[] }>(
        'GET',
        `/api/cron/next-runs?${query}`,
        undefined,
        {
          quiet: [400],
        },
      );
      if (mine === asked) fill(preview, h('strong', {}, 'Next runs: '), nextRunList(nextRuns));
    } catch (err) {
      if (mine !== asked) return;
      fill(preview);
      if (!routeFieldError(err, { cron, timezone }) && err instanceof RequestError)
        cron.setError(err.message);
    }
  };
  for (const f of [cron, timezone])
    f.input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => void refresh(), 300);
    });
  return { cron, timezone, preview, value };
}
