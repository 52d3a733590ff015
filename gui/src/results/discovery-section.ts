// A discovery run's page: what it found, with links to its snapshot on the map, its devices, and the
// report of every target (status, device, tables that failed, FDB rows kept/resolved/dropped).
import type { Run, SnapshotMeta } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { h } from '../dom.ts';
import { grid } from '../grid.ts';
import { deviceLink } from '../devices/tables.ts';

interface TargetRow {
  target: string;
  status: string;
  device?: string;
  issues: { table: string; reason: string }[];
  ms: number;
  varbinds?: number;
  fdb?: { kept: number; resolved: Record<string, number>; dropped: Record<string, number> };
}

const sum = (r: Record<string, number> | undefined) => Object.values(r ?? {}).reduce((a, b) => a + b, 0);

export async function discoverySection(run: Run): Promise<HTMLElement | null> {
  const snapshotId = (run.result as { snapshotId?: string } | null)?.snapshotId;
  const section = h(
    'section',
    { 'aria-labelledby': 'discovery-h' },
    h('h2', { id: 'discovery-h' }, 'What the discovery found'),
  );
  if (!snapshotId) {
    section.append(
      h(
        'p',
        { class: 'empty' },
        run.state === 'failed'
          ? 'The run stored no snapshot.'
          : 'The snapshot appears here when the run has finished.',
      ),
    );
    return section;
  }
  const report = await api<{
    snapshot: SnapshotMeta;
    unreachable: { target: string; reason: string }[];
    targets: TargetRow[];
  }>('GET', `/api/snapshots/${snapshotId}/report`);
  const s = report.snapshot.summary;
  const map = (layer: string) => `#/topology?${new URLSearchParams({ snapshot: snapshotId, layer })}`;
  const reasons = new Map(report.unreachable.map((u) => [u.target, u.reason]));
  section.append(
    h(
      'p',
      { class: 'discovery-links' },
      `${s.devices ?? 0} devices, ${s.unmanaged ?? 0} neighbours not polled, ${s.l2Links ?? 0} L2 and ${s.l3Links ?? 0} L3 links, ${s.hosts ?? 0} hosts, ${s.unreachable ?? 0} unreachable. `,
      h('a', { href: map('l2'), 'data-testid': 'snapshot-map' }, 'Topology of this snapshot'),
      ' · ',
      h('a', { href: map('l3') }, 'L3'),
      ' · ',
      h('a', { href: map('multicast') }, 'multicast'),
      ' · ',
      h('a', { href: `#/devices?${new URLSearchParams({ snapshot: snapshotId })}` }, 'its devices'),
    ),
    grid<TargetRow>(
      'Per-target report',
      [
        { title: 'Target', value: (r) => r.target, cell: (r) => h('span', { class: 'mono' }, r.target) },
        {
          title: 'Status',
          value: (r) => r.status,
          cell: (r) => [
            h(
              'span',
              { class: `tag tone-${r.status === 'ok' ? 'ok' : r.status === 'partial' ? 'warn' : 'bad'}` },
              r.status,
            ),
            reasons.has(r.target) ? h('div', { class: 'small' }, reasons.get(r.target)!) : null,
          ],
        },
        {
          title: 'Device',
          value: (r) => r.device ?? '',
          cell: (r) => (r.device ? deviceLink(r.device, r.device) : ''),
        },
        {
          title: 'Tables that failed',
          value: (r) => r.issues.map((i) => `${i.table}: ${i.reason}`).join('; '),
        },
        { title: 'Values read', value: (r) => r.varbinds, numeric: true },
        {
          title: 'FDB kept / resolved / dropped',
          value: (r) => (r.fdb ? `${r.fdb.kept} / ${sum(r.fdb.resolved)} / ${sum(r.fdb.dropped)}` : ''),
        },
        { title: 'Time', value: (r) => r.ms, numeric: true, cell: (r) => `${(r.ms / 1000).toFixed(1)} s` },
      ],
      report.targets,
      { csvName: `discovery-report-${snapshotId.slice(0, 8)}` },
    ).el,
  );
  return section;
}
