// The map's colour key: one palette for the canvas, the key shown beside it and the exported images,
// listing only what the drawing holds (roles present, blocked links, LAGs, diff marks, multicast rings).
import type { Graph, NodeRole } from '@netspotter/shared/api';

export const PALETTE = {
  router: '#b3532f',
  switch: '#2f6fb3',
  host: '#4f8f4f',
  agent: '#8f4fa8',
  unmanaged: '#aaaaaa',
  segment: '#2f6fb3',
  link: '#7a8794',
  blocked: '#c4c4c4',
  tree: '#c47f00',
  added: '#2e9d3a',
  removed: '#dd3333',
  changed: '#1f5fd6',
  unpolled: '#8a8a8a',
  tested: '#8f4fa8',
  group: '#5a6b7d',
} as const;

export interface KeyEntry {
  kind: 'node' | 'edge';
  label: string;
  colour: string;
  role?: NodeRole;
  dashed?: boolean;
  width?: number;
  ring?: boolean;
}

const ROLE_WORDS: Record<NodeRole, string> = {
  router: 'router',
  switch: 'switch',
  host: 'host',
  agent: 'test agent',
  unmanaged: 'neighbour not polled',
  segment: 'subnet',
};

/** `diff`: the diff marks the drawing holds (see topology/diff.ts). */
/** `groupedBy`: the grouping the map is drawn with (site, subnet), when it is grouped. */
export function mapKey(
  g: Graph,
  opts: { diff?: ReadonlySet<string>; multicast?: boolean; groupedBy?: string } = {},
): KeyEntry[] {
  const roles = new Set(g.nodes.map((n) => (n.managed ? n.role : 'unmanaged')));
  const entries: KeyEntry[] = (Object.keys(ROLE_WORDS) as NodeRole[])
    .filter((r) => roles.has(r))
    .map((role) => ({
      kind: 'node',
      role,
      label: ROLE_WORDS[role],
      colour: PALETTE[role],
      dashed: role === 'unmanaged',
    }));
  entries.push({ kind: 'edge', label: 'link seen from both ends', colour: PALETTE.link });
  if (g.edges.some((e) => !e.confirmed))
    entries.push({ kind: 'edge', label: 'link seen from one end', colour: PALETTE.link, dashed: true });
  if (g.edges.some((e) => e.members))
    entries.push({ kind: 'edge', label: 'link aggregation (LAG)', colour: PALETTE.link, width: 4 });
  if (g.edges.some((e) => e.blocked))
    entries.push({ kind: 'edge', label: 'blocked by spanning tree', colour: PALETTE.blocked, dashed: true });
  if (opts.multicast) {
    if (g.edges.some((e) => e.group))
      entries.push({ kind: 'edge', label: 'multicast tree', colour: PALETTE.tree, width: 2 });
    if (g.nodes.some((n) => n.listeners))
      entries.push({ kind: 'node', label: 'has listeners', colour: PALETTE.tree, ring: true });
    entries.push({
      kind: 'node',
      label: 'agent that took part in tests',
      colour: PALETTE.tested,
      ring: true,
    });
  }
  const has = (m: string) => opts.diff?.has(m) ?? false;
  const diffKey: [string, KeyEntry][] = [
    ['added', { kind: 'node', label: 'added', colour: PALETTE.added }],
    ['removed', { kind: 'node', label: 'removed', colour: PALETTE.removed }],
    ['changed', { kind: 'node', label: 'changed', colour: PALETTE.changed, ring: true }],
    ['changed', { kind: 'edge', label: 'link changed', colour: PALETTE.changed, width: 3 }],
    ['changed-end', { kind: 'edge', label: 'port changed at the square end', colour: PALETTE.changed }],
    ['unpolled', { kind: 'node', label: 'not polled this time', colour: PALETTE.unpolled, dashed: true }],
    [
      'unverified',
      {
        kind: 'edge',
        label: 'link not verified (an end not polled)',
        colour: PALETTE.unpolled,
        dashed: true,
      },
    ],
  ];
  for (const [m, entry] of diffKey) if (has(m)) entries.push(entry);
  if (opts.groupedBy)
    entries.push(
      {
        kind: 'node',
        label: `one ${opts.groupedBy}: a click closes or opens it`,
        colour: PALETTE.group,
        dashed: true,
      },
      {
        kind: 'node',
        role: 'unmanaged',
        label: 'neighbours on one port: a click opens them',
        colour: PALETTE.unmanaged,
        dashed: true,
      },
    );
  return entries;
}
