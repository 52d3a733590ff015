// Participants (lifelines bound to an agent's interface) and the address-alias manager: the agents'
// reported interfaces and addresses, with the sequence's aliases grouped under the agent they belong to.
import { h } from '../dom.ts';
import { field, select, textInput } from '../forms.ts';
import { aliasGroups, aliasProblem, defaultInterface, type AgentFacts } from './alias-groups.ts';
import {
  freeParticipantName,
  removeAlias,
  removeParticipant,
  renameParticipant,
  setAlias,
  type SequenceDoc,
} from './document.ts';

export interface PanelEvents {
  /** Apply a change to the document (one undo step). */
  edit(change: (doc: SequenceDoc) => void): void;
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

export function participantsPanel(
  doc: SequenceDoc,
  agents: AgentFacts[],
  errors: Map<number, { part?: string; message: string }>,
  on: PanelEvents,
): HTMLElement {
  const agentOptions = (current: string): Array<[string, string]> => [
    ...agents.map((a): [string, string] => [a.name, `${a.name} (${a.state})`]),
    ...(agents.some((a) => a.name === current)
      ? []
      : [[current, `${current} (not enrolled)`] as [string, string]]),
  ];
  const rows = doc.participants.map((p, i) => {
    const err = errors.get(i);
    const name = field(
      `Name of participant ${i + 1}`,
      textInput('name', { value: p.name, size: 8, class: 'mono' }),
    );
    const agent = field(`Agent of ${p.name}`, select('agent', agentOptions(p.agent), p.agent));
    const ifaces = agents.find((a) => a.name === p.agent)?.interfaces.map((x) => x.name) ?? [];
    const iface = field(
      `Interface of ${p.name}`,
      select('interface', ifaces.includes(p.interface) ? ifaces : [...ifaces, p.interface], p.interface),
    );
    for (const f of [name, agent, iface]) f.wrap.classList.add('inline');
    if (err) ({ name, agent, interface: iface })[(err.part as 'name') ?? 'name']?.setError(err.message);
    name.input.addEventListener('change', () => {
      const to = name.input.value.trim();
      if (!NAME.test(to)) return name.setError('a letter, then up to 31 letters, digits, - or _');
      if (doc.participants.some((q, j) => j !== i && q.name === to)) return name.setError(`"${to}" is taken`);
      on.edit((d) => renameParticipant(d, p.name, to));
    });
    agent.input.addEventListener('change', () =>
      on.edit((d) => {
        const q = d.participants[i]!;
        q.agent = agent.input.value;
        const chosen = agents.find((a) => a.name === q.agent);
        q.interface = (chosen && defaultInterface(chosen)) ?? q.interface;
      }),
    );
    iface.input.addEventListener('change', () =>
      on.edit((d) => void (d.participants[i]!.interface = iface.input.value)),
    );
    return h(
      'tr',
      { 'data-participant': p.name, ...(err && { class: 'invalid' }) },
      h('td', {}, name.wrap),
      h('td', {}, agent.wrap),
      h('td', {}, iface.wrap),
      h(
        'td',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            'aria-label': `Remove participant ${p.name}`,
            title: 'Removes the participant and the steps it acts in',
            onclick: () => on.edit((d) => removeParticipant(d, p.name)),
          },
          'Remove',
        ),
      ),
    );
  });
  const add = h(
    'button',
    {
      type: 'button',
      disabled: agents.length === 0,
      title: agents.length === 0 ? 'Enrol an agent first (Agents)' : undefined,
      onclick: () =>
        on.edit((d) => {
          const used = new Set(d.participants.map((q) => q.agent));
          const a = agents.find((x) => !used.has(x.name)) ?? agents[0]!;
          d.participants.push({
            name: freeParticipantName(d),
            agent: a.name,
            interface: defaultInterface(a) ?? 'eth0',
          });
        }),
    },
    'Add participant',
  );
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'participants-h' },
    h('h2', { id: 'participants-h' }, 'Participants'),
    doc.participants.length
      ? h(
          'table',
          { 'aria-label': 'Participants', class: 'compact' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Agent'), h('th', {}, 'Interface'), h('th', {}, '')),
          ),
          h('tbody', {}, ...rows),
        )
      : h('p', { class: 'empty' }, 'No participants: each is a lifeline bound to an agent’s interface.'),
    h('div', { class: 'buttons' }, add),
  );
}

export function aliasPanel(doc: SequenceDoc, agents: AgentFacts[], on: PanelEvents): HTMLElement {
  const name = field(
    'Alias name',
    textInput('alias-name', { size: 10, class: 'mono', placeholder: 'e.g. src' }),
  );
  const value = field(
    'Address',
    textInput('alias-value', { size: 22, class: 'mono', placeholder: '2001:db8::1 or a MAC' }),
  );
  const submit = h('button', { type: 'submit' }, 'Add alias');
  const form = h('form', { class: 'alias-form', 'aria-label': 'New alias' }, name.wrap, value.wrap, submit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    name.setError();
    const problem = aliasProblem(doc, name.input.value.trim(), value.input.value.trim());
    if (problem) {
      (/address|characters/.test(problem) ? value : name).setError(problem);
      return;
    }
    const [n, v] = [name.input.value.trim(), value.input.value.trim()];
    on.edit((d) => setAlias(d, n, v));
  });
  const pick = (address: string) => {
    value.input.value = address;
    name.input.focus();
  };
  const groups = aliasGroups(doc, agents).map((g) =>
    h(
      'div',
      { class: 'alias-group', 'data-agent': g.agent ?? '' },
      h('h3', {}, g.agent ? `Agent ${g.agent}` : 'Other addresses'),
      g.interfaces.length
        ? h(
            'ul',
            { class: 'iface-list' },
            ...g.interfaces.map((i) =>
              h(
                'li',
                {},
                h('strong', {}, i.name),
                ' ',
                ...[i.mac, ...i.addresses]
                  .filter((x): x is string => !!x)
                  .map((a) =>
                    h(
                      'button',
                      {
                        type: 'button',
                        class: 'addr',
                        title: 'Use this address for a new alias',
                        onclick: () => pick(a.split('/')[0]!),
                      },
                      a,
                    ),
                  ),
              ),
            ),
          )
        : null,
      g.aliases.length
        ? h(
            'ul',
            { class: 'alias-list' },
            ...g.aliases.map((a) =>
              h(
                'li',
                { 'data-alias': a.name },
                h('code', {}, `$${a.name}`),
                ' = ',
                h('code', {}, a.value),
                a.automatic
                  ? h('span', { class: 'small muted' }, ' automatic')
                  : h(
                      'button',
                      {
                        type: 'button',
                        class: 'link',
                        'aria-label': `Remove alias ${a.name}`,
                        onclick: () => on.edit((d) => removeAlias(d, a.name)),
                      },
                      ' remove',
                    ),
              ),
            ),
          )
        : h('p', { class: 'small muted' }, 'No aliases.'),
    ),
  );
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'aliases-h' },
    h('h2', { id: 'aliases-h' }, 'Address aliases'),
    agents.length ? null : h('p', { class: 'empty' }, 'No agents enrolled: their addresses appear here.'),
    ...groups,
    form,
  );
}
