// A run's progress as the kinds report it: discovery gives { phase, done, total, target?, table?, waiting? },
// agent runs { jobs, startAt }, others their own counters. Pure, so the table and the tests agree on the text.
export interface ProgressView {
  /** 0..1 when the run reports done/total. */
  fraction?: number;
  text: string;
}

export function describeProgress(progress: unknown): ProgressView {
  if (!progress || typeof progress !== 'object') return { text: '' };
  const p = progress as Record<string, unknown>;
  const done = typeof p.done === 'number' ? p.done : undefined;
  const total = typeof p.total === 'number' ? p.total : undefined;
  const parts: string[] = [];
  if (typeof p.phase === 'string') parts.push(p.phase);
  if (done !== undefined && total !== undefined) parts.push(`${done}/${total}`);
  const current = typeof p.target === 'string' ? p.target : typeof p.current === 'string' ? p.current : '';
  if (current) parts.push(`now ${current}${typeof p.table === 'string' ? ` (${p.table})` : ''}`);
  // A device of a site waits for one of the site's agents (remote pollers) to take it.
  if (typeof p.waiting === 'string') parts.push(`waiting ${p.waiting}`);
  if (typeof p.jobs === 'number') parts.push(`${p.jobs} job${p.jobs === 1 ? '' : 's'}`);
  if (typeof p.startAt === 'string' && !Number.isNaN(Date.parse(p.startAt)))
    parts.push(`synchronised start ${clockTime(new Date(p.startAt))}`);
  if (parts.length === 0)
    parts.push(
      Object.entries(p)
        .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(', '),
    );
  return {
    ...(done !== undefined && total !== undefined && total > 0 && { fraction: Math.min(1, done / total) }),
    text: parts.join(' · '),
  };
}

/** Local hh:mm:ss.mmm: a synchronised start is about milliseconds. */
function clockTime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** "in 3 h 20 min": how far away a fire time is, for the next-runs list. */
export function inWords(iso: string, now: number): string {
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  if (minutes < 1) return 'in less than a minute';
  const d = Math.floor(minutes / 1440);
  const hr = Math.floor((minutes % 1440) / 60);
  const min = minutes % 60;
  const parts = [d && `${d} d`, hr && `${hr} h`, !d && min && `${min} min`].filter(Boolean);
  return `in ${parts.join(' ')}`;
}
