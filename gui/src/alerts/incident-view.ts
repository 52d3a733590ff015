// One incident: its alert, the timeline, the affected cells, where the fault was localised and the
// group's tree when the alert fired.
import type { Agent, Incident, Monitor } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { dataTable, h, when } from '../dom.ts';
import { href, type View } from '../router.ts';
import { incidentTree } from './incident-tree.ts';

function localisation(i: Incident, agentName: (id: string) => string): HTMLElement {
  const l = i.localisation;
  if (!l) return h('p', {}, 'Not localised: no per-hop counters were polled for this incident.');
  return h(
    'div',
    {},
    h('p', {}, `Polled ${when(l.at)}`),
    dataTable(
      'Suspected hops',
      ['Device', 'Point', 'Interface', 'Upstream', 'Confidence', 'Receivers', 'Evidence'],
      l.suspects.map((s) =>
        h(
          'tr',
          {},
          h('td', {}, s.device),
          h('td', {}, s.point),
          h('td', {}, s.interface ?? '—'),
          h('td', {}, s.upstream ?? '—'),
          h('td', {}, `${Math.round(s.confidence * 100)} %`),
          h('td', {}, s.receivers.map(agentName).join(', ')),
          h('td', {}, h('ul', {}, ...s.evidence.map((e) => h('li', {}, e)))),
        ),
      ),
    ),
    ...l.undecided.map((u) => h('p', {}, `${u.receiver}: ${u.reason}`)),
  );
}

export const incidentView: View = {
  path: '/incidents',
  title: 'Incident',
  minRole: 'viewer',
  hidden: true,
  async render(root, [id]) {
    const [i, agents, monitors] = await Promise.all([
      api<Incident>('GET', `/api/incidents/${encodeURIComponent(id ?? '')}`),
      // Names for the ids the incident stores; the ids stay readable if these lists fail.
      api<Agent[]>('GET', '/api/agents').catch(() => []),
      api<Monitor[]>('GET', '/api/monitors').catch(() => []),
    ]);
    const named = (list: { id: string; name: string }[]) => {
      const names = new Map(list.map((x) => [x.id, x.name]));
      return (x: string) => names.get(x) ?? x;
    };
    const agentName = named(agents);
    const monitorName = named(monitors);
    const a = i.alert;
    root.append(
      h('p', {}, h('a', { href: href('/alerts') }, '← Alerts')),
      h('h2', {}, `Incident: ${a.ruleName}`),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Summary'),
        h('dd', {}, a.summary),
        h('dt', {}, 'Severity'),
        h('dd', {}, a.severity),
        h('dt', {}, 'State'),
        h('dd', {}, a.suppressedBy ? `${a.state} (suppressed: ${a.suppressedBy})` : a.state),
        h('dt', {}, 'Opened'),
        h('dd', {}, when(i.openedAt)),
        h('dt', {}, 'Closed'),
        h('dd', {}, when(i.closedAt)),
      ),
      h('h3', {}, 'Timeline'),
      dataTable(
        'Timeline',
        ['When', 'What'],
        i.timeline.map((t) => h('tr', {}, h('td', {}, when(t.at)), h('td', {}, t.what))),
      ),
      h('h3', {}, 'Affected cells'),
      i.affectedCells.length
        ? dataTable(
            'Affected cells',
            ['Monitor', 'Cell', 'State'],
            i.affectedCells.map((c) =>
              h(
                'tr',
                {},
                h('td', {}, h('a', { href: href('/monitors', c.monitorId) }, monitorName(c.monitorId))),
                h('td', {}, c.cellNo),
                h('td', {}, c.state),
              ),
            ),
          )
        : h('p', {}, 'None: the alert is not about a monitor cell.'),
      h('h3', {}, 'Localisation'),
      localisation(i, agentName),
      h('h3', {}, 'Tree when the alert fired'),
      incidentTree(i),
    );
  },
};
