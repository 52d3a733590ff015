// A run's progress as the kinds report it: discovery gives { phase, done, total, current? },
// others their own counters. Pure, so the table and the tests agree on the text.
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
  if (typeof p.current === 'string' && p.current) parts.push(`now ${p.current}`);
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
