// A convergence run's page section: per receiver its outages (count, total, longest), join latency and a
// strip of the run with each outage drawn where it fell; then the timeline that lines the outages up
// with the events and snapshots recorded during the run.
import { Value } from 'typebox/value';
import type { Run } from '@netspotter/shared/api';
import { AgentRunResultSchema, type ConvergenceLine, type TimelineEntry } from '@netspotter/shared/results';
import { dataTable, h } from '../dom.ts';

const msText = (v: number | null) => (v === null ? '—' : `${Math.round(v * 10) / 10} ms`);
const seconds = (offsetMs: number) =>
  `${offsetMs < 0 ? '−' : '+'}${(Math.abs(offsetMs) / 1000).toFixed(3)} s`;

export function convergenceSection(run: Run, durationMs: number): HTMLElement {
  const section = h(
    'section',
    { 'aria-labelledby': 'convergence-h' },
    h('h2', { id: 'convergence-h' }, 'Outages'),
  );
  const conv = Value.Check(AgentRunResultSchema, run.result) ? run.result.convergence : undefined;
  if (!conv) {
    section.append(h('p', { class: 'empty' }, 'The outages appear here when the run has finished.'));
    return section;
  }
  section.append(
    h(
      'p',
      {},
      `Streamed at ${conv.pps} frames/s per sender: each lost frame is ${conv.resolutionMs} ms of outage.`,
    ),
    dataTable(
      'Receivers',
      ['Receiver', 'Sent', 'Received', 'Outages', 'Total outage', 'Longest', 'Join latency', 'Run'],
      conv.receivers.map((l) =>
        h(
          'tr',
          { 'data-receiver': l.receiver },
          h('td', {}, l.receiver),
          h('td', { class: 'num' }, l.sent ?? '—'),
          h('td', { class: 'num' }, l.received),
          h('td', { class: 'num' }, l.outages.length + l.outagesOmitted),
          h('td', { class: 'num' }, msText(l.totalOutageMs)),
          h('td', { class: 'num' }, msText(l.longestOutageMs)),
          h('td', { class: 'num' }, msText(l.joinLatencyMs)),
          h('td', {}, outageStrip(l, durationMs)),
        ),
      ),
    ),
    h('h3', {}, 'Timeline'),
    conv.timeline.length
      ? dataTable('Timeline', ['From start', 'What', 'Summary', 'Duration'], conv.timeline.map(timelineRow))
      : h('p', { class: 'empty' }, 'No outage, join, event or snapshot during the run.'),
    ...(conv.eventsOmitted
      ? [h('p', {}, `${conv.eventsOmitted} more events in the run's window are not listed.`)]
      : []),
  );
  return section;
}

/** The run as a strip, each outage a red mark where it fell (at least a pixel wide). */
function outageStrip(l: ConvergenceLine, durationMs: number): HTMLElement {
  const pct = (v: number) => `${Math.min(100, Math.max(0, (v / durationMs) * 100)).toFixed(3)}%`;
  return h(
    'div',
    { class: 'outage-strip', role: 'img', 'aria-label': `${l.outages.length} outages over the run` },
    ...l.outages.map((o) =>
      h('span', {
        class: 'outage-mark',
        title: `${seconds(o.offsetMs)}: ${msText(o.durationMs)}`,
        style: `left:${pct(o.offsetMs)};width:${pct(o.durationMs)}`,
      }),
    ),
  );
}

const timelineRow = (e: TimelineEntry) =>
  h(
    'tr',
    { 'data-what': e.what },
    h('td', { class: 'num' }, seconds(e.offsetMs)),
    h('td', {}, e.what),
    h('td', {}, e.summary),
    h('td', { class: 'num' }, e.durationMs === undefined ? '' : msText(e.durationMs)),
  );
