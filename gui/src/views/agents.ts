// Agents: their live state, host facts and engine; enrolment tokens with the command to paste;
// disconnecting an agent; blocking new enrolments. Writes are for admins (the server checks too).
import type { Agent, NewEnrolmentToken } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { append, dataTable, fill, h, when } from '../dom.ts';
import { interfaceLines, policyWords } from '../agents/host-words.ts';
import { editable, field, textInput } from '../forms.ts';
import { noticeInfo } from '../notices.ts';
import type { View } from '../router.ts';
import { hasRole } from '../session.ts';

/** A button only admins can use (agents are managed by admins). */
function adminButton(
  label: string,
  onclick: () => void,
  attrs: Record<string, string> = {},
): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attrs }, label);
  if (hasRole('admin')) b.addEventListener('click', onclick);
  else {
    b.disabled = true;
    b.title = 'Only admins manage agents';
  }
  return b;
}

export const agentsView: View = {
  path: '/agents',
  title: 'Agents',
  minRole: 'viewer',
  async render(root) {
    const table = h('div', { class: 'table-wrap' });
    const enrolment = h('p', { class: 'enrolment' });
    let timer: ReturnType<typeof setTimeout> | undefined;
    let gone = false;

    const load = async () => {
      clearTimeout(timer);
      const [agents, { blocked }] = await Promise.all([
        api<Agent[]>('GET', '/api/agents'),
        api<{ blocked: boolean }>('GET', '/api/agents/enrolment'),
      ]);
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
          : agentTable(agents, load),
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

function agentTable(agents: Agent[], reload: () => Promise<void>): HTMLTableElement {
  return dataTable(
    'Agents',
    [
      'Name',
      'State',
      'Last seen',
      'Host',
      'Engine',
      'Interfaces',
      'Local policy',
      'Address',
      'Clock offset',
      '',
    ],
    agents.map((a) =>
      h(
        'tr',
        {},
        h('td', {}, a.name),
        h('td', {}, h('span', { class: `state agent-${a.state}` }, a.state)),
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
      const command = `netspotter agent --server ${location.origin} --token ${t.token}`;
      fill(
        out,
        h(
          'p',
          {},
          `Run this on the agent's host (the token works once, until ${when(t.expiresAt)}; it is not shown again):`,
        ),
        h('pre', { class: 'mono command', 'data-testid': 'agent-command' }, command),
        t.fingerprint ? h('p', { class: 'small' }, `Server certificate fingerprint: ${t.fingerprint}`) : null,
        h(
          'button',
          { type: 'button', onclick: () => void navigator.clipboard?.writeText(command) },
          'Copy command',
        ),
      );
    } catch {
      name.input.focus();
    }
  });
  return form;
}
