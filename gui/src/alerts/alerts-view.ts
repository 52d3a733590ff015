// Alert history: every alert newest first, with acknowledge and resolve for operators, each linked to
// its incident.
import type { Alert } from '@netspotter/shared/api';
import { api, RequestError } from '../api.ts';
import { dataTable, fill, h, when } from '../dom.ts';
import { noticeError, noticeInfo } from '../notices.ts';
import { href, type View } from '../router.ts';
import { canEdit } from '../session.ts';

/** A button operators use; others see it disabled with why. */
function operatorButton(label: string, onclick: () => void): HTMLButtonElement {
  const b = h('button', { type: 'button' }, label);
  if (canEdit()) b.addEventListener('click', onclick);
  else {
    b.disabled = true;
    b.title = 'Only operators and admins handle alerts';
  }
  return b;
}

const stateText = (a: Alert) => (a.change ? 'change' : a.suppressedBy ? `${a.state} (suppressed)` : a.state);

export const alertsView: View = {
  path: '/alerts',
  title: 'Alerts',
  minRole: 'viewer',
  async render(root) {
    const body = h('div');
    root.append(body);
    const act = async (a: Alert, what: 'acknowledge' | 'resolve') => {
      try {
        await api('POST', `/api/alerts/${encodeURIComponent(a.id)}/${what}`);
        noticeInfo(`${what === 'resolve' ? 'Resolved' : 'Acknowledged'}: ${a.ruleName}`);
      } catch (err) {
        noticeError(err instanceof RequestError ? err.message : String(err));
      }
      await draw();
    };
    const draw = async () => {
      const alerts = await api<Alert[]>('GET', '/api/alerts?limit=500');
      const firing = alerts.filter((a) => a.state === 'firing').length;
      fill(
        body,
        h('p', { role: 'status' }, `${firing} firing, ${alerts.length} in the history`),
        dataTable(
          'Alert history',
          ['Fired', 'Severity', 'State', 'Rule', 'Summary', 'Acknowledged', 'Resolved', ''],
          alerts.map((a) =>
            h(
              'tr',
              { class: `alert-${a.state}`, 'data-alert': a.id },
              h('td', {}, when(a.firedAt)),
              h('td', {}, h('span', { class: `severity severity-${a.severity}` }, a.severity)),
              h('td', {}, stateText(a)),
              h('td', {}, a.ruleName),
              h('td', {}, h('a', { href: href('/incidents', a.incidentId) }, a.summary)),
              h('td', {}, a.acknowledgedBy ? `${a.acknowledgedBy}, ${when(a.acknowledgedAt)}` : '—'),
              h('td', {}, a.resolvedAt ? `${a.resolvedBy ?? ''}, ${when(a.resolvedAt)}` : '—'),
              h(
                'td',
                {},
                a.state === 'firing' &&
                  !a.acknowledgedAt &&
                  operatorButton('Acknowledge', () => void act(a, 'acknowledge')),
                a.state === 'firing' && operatorButton('Resolve', () => void act(a, 'resolve')),
              ),
            ),
          ),
        ),
      );
    };
    await draw();
    const timer = setInterval(() => void draw().catch(() => undefined), 10_000);
    return () => clearInterval(timer);
  },
};
