// A snapshot diff as sentences, one per change, each naming the map elements it is about (pure).
import type { TopologyDiff } from '@netspotter/shared/api';
import { count } from '../dom.ts';

export interface DiffLine {
  kind: 'added' | 'removed' | 'changed' | 'not polled' | 'port';
  text: string;
  /** Node or edge ids to show on the map. */
  ids: string[];
}

/**
 * "sw1 Gi0/1 — sw2 Gi0/2 (l2)" from a link key `layer|node:port|node:port`. Node ids and port names may
 * both hold colons (MACs, "ge-0/0/1:0"), so an end is split after the longest node id it starts with.
 */
export function linkWords(key: string, names: ReadonlyMap<string, string>): string {
  const [layer, ...ends] = key.split('|');
  const end = (e: string) => {
    const node = [...names.keys()]
      .filter((id) => e === id || e.startsWith(`${id}:`))
      .sort((a, b) => b.length - a.length)[0];
    if (node === undefined) return e;
    const port = e.slice(node.length + 1);
    return `${names.get(node)}${port ? ` ${port}` : ''}`;
  };
  return `${ends.map(end).join(' — ')} (${layer})`;
}

/** `names`: node id → label, for every node on the map. */
export function diffLines(diff: TopologyDiff, names: ReadonlyMap<string, string>): DiffLine[] {
  const label = (id: string) => names.get(id) ?? id;
  const link = (k: string) => linkWords(k, names);
  const lines: DiffLine[] = [];
  for (const n of diff.notPolled) {
    const links = diff.unverified.filter(
      (k) => k.includes(`|${n.id}:`) || (n.standIn && k.includes(`|${n.standIn}:`)),
    );
    lines.push({
      kind: 'not polled',
      text: `${n.name ?? label(n.id)} not polled (${n.reason}); ${count(links.length, 'link')} unverified`,
      ids: [n.id],
    });
  }
  for (const id of diff.devices.added)
    lines.push({ kind: 'added', text: `device ${label(id)} appeared`, ids: [id] });
  for (const id of diff.devices.removed)
    lines.push({ kind: 'removed', text: `device ${label(id)} is gone`, ids: [id] });
  for (const c of diff.devices.changed)
    lines.push({
      kind: 'changed',
      text: `device ${label(c.id)} changed: ${c.fields.join(', ')}`,
      ids: [c.id],
    });
  for (const id of diff.links.added)
    lines.push({ kind: 'added', text: `link ${link(id)} appeared`, ids: [id] });
  for (const id of diff.links.removed)
    lines.push({ kind: 'removed', text: `link ${link(id)} is gone`, ids: [id] });
  for (const c of diff.links.changed)
    lines.push({ kind: 'changed', text: `link ${link(c.id)} changed: ${c.fields.join(', ')}`, ids: [c.id] });
  for (const p of diff.ports) {
    const where = `${label(p.device)} ${p.port}`;
    const on = p.link ? ` on link ${link(p.link.id)}` : '';
    const text =
      p.kind === 'state'
        ? `port ${where}${on}: ${p.from} → ${p.to} (admin/oper)`
        : p.kind === 'added'
          ? `port ${where} appeared (${p.to})`
          : `port ${where}${on} is gone`;
    lines.push({ kind: 'port', text, ids: [p.link?.id ?? p.device] });
  }
  return lines;
}
