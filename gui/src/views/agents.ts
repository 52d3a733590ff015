// Agents: their live state, host facts, engine and release (with updates); enrolment tokens with the
// line that installs an agent; disconnecting an agent; blocking new enrolments. Writes are for admins
// (the server checks too).
import type { Agent, AgentReleases, NewEnrolmentToken } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { append, dataTable, fill, h, when } from '../dom.ts';
import { interfaceLines, policyWords } from '../agents/host-words.ts';
import { editable, field, textInput } from '../forms.ts';
import { noticeInfo } from '../notices.ts';
import type { View } from '../router.ts';
import { hasRole } from '../session.ts';
import { adminButton } from '../agents/admin-button.ts';
import { enrolmentCommands } from '../agents/install-command.ts';
import { selectBox, updateBar, versionCell } from '../agents/updates.ts';
import { siteCell } from '../agents/site-cell.ts';

export const agentsView: View = {
  path: '/agents',
  title: 'Agents',
  minRole: 'viewer',
  async render(root) {
    const table = h('div', { class: 'table-wrap' });
    const enrolment = h('p', { class: 'enrolment' });
    const updates = h('p', { class: 'updates' });
    const selected = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let gone = false;

    const load = async () => {
      clearTimeout(timer);
      const [agents, { blocked }, releases] = await Promise.all([
        api<Agent[]>('GET', '/api/agents'),
        api<{ blocked: boolean }>('GET', '/api/agents/enrolment'),
        api<AgentReleases>('GET', '/api/agents/releases'),
      ]);
      fill(updates, updateBar(releases, selected, load));
      fill(
        enrolment,
        blocked ? 'New enrolments are blocked. ' : 'New enrolments are allowed. ',
        adminButton(blocked ? 'Allow enrolments' : 'Block enrolments', async () => {
          await api('PUT', '/api/agents/enrolment', { blocked: !blocked }).catch(() => undefined);
          await load();
        }),
      );
      fill(
        table,
        agents.length === 0
          ? h('p', { class: 'empty' }, 'No agents enrolled yet.')
          : agentTable(agents, releases, selected, load),
      );
      // States change as beats arrive or stop: keep the list fresh while it is shown.
      if (!gone) timer = setTimeout(() => void load().catch(() => undefined), 5000);
    };

    append(root, [
      h(
        'section',
        { 'aria-labelledby': 'agents-h' },
        h('h2', { id: 'agents-h' }, 'Agents'),
        enrolment,
        updates,
        table,
      ),
      hasRole('admin') && tokenForm(),
    ]);
    await load().catch(() => undefined);
    return () => {
      gone = true;
      clearTimeout(timer);
    };
  },
};

function agentTable(
  agents: Agent[],
  releases: AgentReleases,
  selected: Set<string>,
  reload: () => Promise<void>,
): HTMLTableElement {
  return dataTable(
    'Agents',
    [
      '',
      'Name',
      'State',
      'Version',
      'Last seen',
      'Host',
      'Engine',
      'Interfaces',
      'Local policy',
      'Address',
      'Clock offset',
      'Site (polls)',
      '',
    ],
    agents.map((a) =>
      h(
        'tr',
        {},
        h('td', {}, selectBox(a, selected)),
        h('td', {}, a.name),
        h('td', {}, h('span', { class: `state agent-${a.state}` }, a.state)),
        h('td', { class: 'version-cell' }, versionCell(a, releases, reload)),
        h('td', {}, when(a.lastSeenAt)),
        h('td', {}, [a.hostname, a.facts?.os].filter(Boolean).join(' · ')),
        h(
          'td',
          {},
          a.facts?.engine ?? '',
          a.facts?.capabilities
            ? h(
                'div',
                { class: 'small' },
                `${(a.facts.capabilities.engines ?? []).join(', ')}${a.facts.capabilities.rawPackets ? ' · raw packets' : ''}`,
              )
            : null,
        ),
        h(
          'td',
          { class: 'small mono' },
          ...interfaceLines(a.facts?.interfaces).map((line) => h('div', {}, line)),
        ),
        h('td', { class: 'small' }, policyWords(a.facts?.policy)),
        h('td', { class: 'mono' }, a.lastAddress ?? ''),
        h('td', {}, a.clockOffsetMs === null ? '' : `${a.clockOffsetMs.toFixed(1)} ms`),
        h('td', {}, siteCell(a, reload)),
        h(
          'td',
          { class: 'actions' },
          a.disconnectedAt
            ? adminButton(
                'Reconnect',
                async () => {
                  await api('POST', `/api/agents/${a.id}/reconnect`).catch(() => undefined);
                  await reload();
                },
                { 'aria-label': `Reconnect ${a.name}` },
              )
            : adminButton(
                'Disconnect',
                async () => {
                  if (!confirm(`Disconnect ${a.name}? Its key stops working and its active jobs fail.`))
                    return;
                  await api('POST', `/api/agents/${a.id}/disconnect`).catch(() => undefined);
                  await reload();
                },
                { 'aria-label': `Disconnect ${a.name}` },
              ),
        ),
      ),
    ),
  );
}

function tokenForm(): HTMLFormElement {
  const name = field('Agent name', textInput('name', { required: true, placeholder: 'e.g. lab-host-3' }));
  const ttl = field(
    'Valid for (minutes)',
    h('input', { type: 'number', name: 'ttlMinutes', min: 1, max: 43200, value: 60 }),
  );
  const out = h('div', { class: 'token-out', 'aria-live': 'polite' });
  const form = h(
    'form',
    { 'aria-label': 'New enrolment token' },
    editable('Enrol an agent', name.wrap, ttl.wrap, h('button', { type: 'submit' }, 'Create token'), out),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    name.setError();
    try {
      const t = await api<NewEnrolmentToken>('POST', '/api/agents/enrolment-tokens', {
        name: name.input.value,
        ttlMinutes: Number(ttl.input.value),
      });
      noticeInfo(`Enrolment token for ${t.name} created`);
      fill(out, enrolmentCommands(t, location.origin));
    } catch {
      name.input.focus();
    }
  });
  return form;
}
