// The groups the multicast layer knows, from every source: listener rows and routes of a snapshot, monitors
// and tests (tasks and sequences) that name them, with counts per source (pure).
import type { GroupEntry } from '@netspotter/shared/api';
import { canonicalIp, compareAddresses } from '@netspotter/shared/net/ip';
import type { MulticastOverlay } from '../discovery/result.ts';

export interface NamedFlow {
  group: string;
  source?: string;
}

/** A canonical multicast address (ff00::/8, or 224.0.0.0/4 from IGMP and IPv4 routes), else undefined. */
function multicastGroup(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const a = canonicalIp(text);
  if (!a) return undefined;
  if (a.includes(':')) return a.startsWith('ff') ? a : undefined;
  const first = Number(a.split('.')[0]);
  return first >= 224 && first <= 239 ? a : undefined;
}

/**
 * Every `{ group, source? }` a stored definition names: load tasks' arguments, sequences' join and leave
 * steps, monitors' groups all use these two keys; a sequence's IPv6 message names it as `dst`.
 */
export function flowsNamedIn(value: unknown, out: NamedFlow[] = []): NamedFlow[] {
  if (Array.isArray(value)) for (const v of value) flowsNamedIn(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    // A sequence's message to a group names it as its IPv6 destination.
    const group = multicastGroup(o.group) ?? multicastGroup(o.dst);
    if (group) {
      const source = typeof o.source === 'string' ? canonicalIp(o.source) : undefined;
      out.push({ group, ...(source && { source }) });
    }
    for (const v of Object.values(o)) if (v && typeof v === 'object') flowsNamedIn(v, out);
  }
  return out;
}

/**
 * One entry per group: listener rows and route rows counted from the overlay; monitors and tests counted
 * once each that name it (each item of `monitors` / `tests` is what one of them names).
 */
export function groupEntries(
  overlay: MulticastOverlay | undefined,
  monitors: NamedFlow[][],
  tests: NamedFlow[][],
): GroupEntry[] {
  const entries = new Map<string, GroupEntry & { sourceSet: Set<string> }>();
  const entry = (group: string) => {
    let e = entries.get(group);
    if (!e)
      entries.set(
        group,
        (e = {
          group,
          sources: [],
          sourceSet: new Set(),
          counts: { listeners: 0, routes: 0, monitors: 0, tests: 0 },
        }),
      );
    return e;
  };
  for (const g of overlay?.groups ?? []) {
    const e = entry(g.group);
    e.counts.listeners += g.listeners.length;
    for (const s of g.listeners.flatMap((l) => l.sources ?? [])) e.sourceSet.add(s);
  }
  for (const r of overlay?.routes ?? []) {
    // A prefix route (*,G/n) is a range, not a group one can pick.
    if (r.groupPrefixLength < (r.group.includes(':') ? 128 : 32)) continue;
    const e = entry(r.group);
    e.counts.routes += 1;
    if (r.source) e.sourceSet.add(r.source);
  }
  const countEach = (items: NamedFlow[][], key: 'monitors' | 'tests') => {
    for (const flows of items) {
      for (const group of new Set(flows.map((f) => f.group))) entry(group).counts[key] += 1;
      for (const f of flows) if (f.source) entry(f.group).sourceSet.add(f.source);
    }
  };
  countEach(monitors, 'monitors');
  countEach(tests, 'tests');
  return [...entries.values()]
    .map(({ sourceSet, ...e }) => ({ ...e, sources: [...sourceSet].sort(compareAddresses) }))
    .sort((a, b) => compareAddresses(a.group, b.group));
}
