// The create/edit form of a monitor: agents ticked as participants (interface and role each), beacon
// groups (ASM, or SSM with a sending participant as source), rate, interval and thresholds. The server's
// field errors appear beside the field they name (`participants[1].interface` finds the agent's row).
import type { Agent, Monitor, MonitorRole } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { h } from '../dom.ts';
import { clearErrors, editable, field, routeFieldError, select, textInput, type Field } from '../forms.ts';
import { noticeInfo } from '../notices.ts';
import {
  initialState,
  monitorBody,
  sourceChoices,
  usableInterfaces,
  type FormState,
  type GroupRow,
  type ParticipantRow,
} from './form-model.ts';

const ROLES: Array<[MonitorRole, string]> = [
  ['both', 'sender and receiver'],
  ['sender', 'sender'],
  ['receiver', 'receiver'],
];

interface ParticipantControls {
  agent: string;
  include: Field<HTMLInputElement>;
  iface: Field<HTMLSelectElement>;
  role: Field<HTMLSelectElement>;
}
interface GroupControls {
  id?: string;
  wrap: HTMLElement;
  mode: Field<HTMLSelectElement>;
  group: Field<HTMLInputElement>;
  port: Field<HTMLInputElement>;
  source: Field<HTMLSelectElement>;
}

/** A message spot for errors that name a whole list ("participants", "groups"). */
function listError(focusOn: () => HTMLElement | undefined): Field & { el: HTMLElement } {
  const el = h('div', { class: 'field-error', role: 'alert' });
  return {
    el,
    wrap: el,
    get input() {
      return (focusOn() ?? el) as HTMLInputElement;
    },
    setError: (m) => void (el.textContent = m ?? ''),
  };
}

export function monitorForm(
  agents: Agent[],
  existing: Monitor | undefined,
  done: (m: Monitor) => void,
): HTMLFormElement {
  const start = initialState(agents, existing);
  const participants: ParticipantControls[] = start.participants.map((p) => participantControls(p, agents));
  const groupsBox = h('div', { class: 'monitor-groups' });
  let groups: GroupControls[] = [];
  const currentRows = (): ParticipantRow[] =>
    participants.map((p) => ({
      agent: p.agent,
      included: p.include.input.checked,
      interface: p.iface.input.value,
      role: p.role.input.value as MonitorRole,
    }));
  /** SSM source pickers list the ticked senders: refreshed when participants change. */
  const refreshSources = () => {
    const choices = sourceChoices(currentRows(), agents);
    for (const g of groups) {
      const chosen = g.source.input.value;
      g.source.input.replaceChildren(...choices.map(([v, label]) => h('option', { value: v }, label)));
      if (choices.some(([v]) => v === chosen)) g.source.input.value = chosen;
      g.source.wrap.hidden = g.mode.input.value !== 'ssm';
    }
  };
  const addGroup = (row: GroupRow) => {
    const n = groups.length + 1;
    const c: GroupControls = {
      ...(row.id && { id: row.id }),
      mode: field(
        `Group ${n} mode`,
        select(
          'mode',
          [
            ['asm', 'ASM (*, G)'],
            ['ssm', 'SSM (S, G)'],
          ],
          row.mode,
        ),
      ),
      group: field(
        `Group ${n} address`,
        textInput('group', { value: row.group, class: 'mono', placeholder: 'ff0e::db8:1' }),
      ),
      port: field(
        `Group ${n} UDP port`,
        textInput('port', { value: row.port, inputmode: 'numeric', class: 'num', placeholder: 'default' }),
      ),
      source: field(`Group ${n} source`, select('source', [])),
      wrap: h('div'),
    };
    const remove = h('button', { type: 'button', class: 'link' }, `Remove group ${n}`);
    c.wrap = h(
      'fieldset',
      { class: 'field-row monitor-group' },
      h('legend', {}, `Group ${n}`),
      c.mode.wrap,
      c.group.wrap,
      c.port.wrap,
      c.source.wrap,
      remove,
    );
    remove.addEventListener('click', () => {
      groups = groups.filter((x) => x !== c);
      c.wrap.remove();
    });
    c.mode.input.addEventListener('change', refreshSources);
    groups.push(c);
    groupsBox.append(c.wrap);
    refreshSources();
    if (row.source) c.source.input.value = row.source;
  };
  for (const g of start.groups) addGroup(g);
  for (const p of participants)
    for (const el of [p.include.input, p.iface.input, p.role.input])
      el.addEventListener('change', refreshSources);

  const text = (label: string, name: keyof FormState, hint?: string, attrs: Record<string, string> = {}) =>
    field(label, textInput(name, { value: String(start[name]), ...attrs }), hint);
  const f = {
    name: text('Name', 'name', undefined, { required: 'true' }),
    description: text('Description', 'description'),
    beaconPps: text('Beacons per second', 'beaconPps', 'per sender and group (default 1)', { class: 'num' }),
    intervalSeconds: text('Interval (s)', 'intervalSeconds', 'summaries per receiver (default 10)', {
      class: 'num',
    }),
    degradedLossPct: text('Degraded at loss %', 'degradedLossPct', 'default 1', { class: 'num' }),
    lostLossPct: text('Lost at loss %', 'lostLossPct', 'default 100', { class: 'num' }),
    degradedDelayMs: text('Degraded above delay p99 (ms)', 'degradedDelayMs', 'empty: off', { class: 'num' }),
    degradedJitterMs: text('Degraded above jitter (ms)', 'degradedJitterMs', 'empty: off', { class: 'num' }),
    joinLatencyMs: text('Event above join latency (ms)', 'joinLatencyMs', 'empty: off', { class: 'num' }),
  };
  const participantsError = listError(() => participants[0]?.include.input);
  const groupsError = listError(() => groups[0]?.group.input);
  const submit = h(
    'button',
    { type: 'submit', class: 'primary' },
    existing ? 'Save monitor' : 'Create monitor',
  );
  const form = h(
    'form',
    { 'aria-label': existing ? `Edit monitor ${existing.name}` : 'New monitor', class: 'monitor-form' },
    editable(
      existing ? `Edit ${existing.name}` : 'New monitor',
      f.name.wrap,
      f.description.wrap,
      h(
        'fieldset',
        { class: 'monitor-participants' },
        h('legend', {}, 'Participants (all ticked, each both: a full mesh)'),
        agents.length === 0
          ? h('p', { class: 'empty' }, 'No agents enrolled yet: enrol agents under Agents.')
          : null,
        ...participants.map((p) =>
          h('div', { class: 'field-row' }, p.include.wrap, p.iface.wrap, p.role.wrap),
        ),
        participantsError.el,
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Groups'),
        groupsBox,
        h(
          'button',
          { type: 'button', onclick: () => addGroup({ mode: 'asm', group: '', port: '', source: '' }) },
          'Add group',
        ),
        groupsError.el,
      ),
      h('div', { class: 'field-row' }, f.beaconPps.wrap, f.intervalSeconds.wrap),
      h(
        'div',
        { class: 'field-row' },
        f.degradedLossPct.wrap,
        f.lostLossPct.wrap,
        f.degradedDelayMs.wrap,
        f.degradedJitterMs.wrap,
        f.joinLatencyMs.wrap,
      ),
      submit,
    ),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const state: FormState = {
      ...start,
      ...(Object.fromEntries(Object.entries(f).map(([k, x]) => [k, x.input.value])) as Pick<
        FormState,
        keyof typeof f
      >),
      participants: currentRows(),
      groups: groups.map((g) => ({
        ...(g.id && { id: g.id }),
        mode: g.mode.input.value as 'asm' | 'ssm',
        group: g.group.input.value,
        port: g.port.input.value,
        source: g.source.input.value,
      })),
    };
    const { body, participantRows } = monitorBody(state);
    const fields: Record<string, Field> = {
      ...Object.fromEntries(
        Object.entries(f).map(([k, x]) => [
          k.startsWith('degraded') || k === 'lostLossPct' ? `thresholds.${k}` : k,
          x,
        ]),
      ),
      participants: participantsError,
      groups: groupsError,
    };
    participantRows.forEach((row, i) => {
      const p = participants[row]!;
      Object.assign(fields, {
        [`participants[${i}]`]: p.include,
        [`participants[${i}].agent`]: p.include,
        [`participants[${i}].interface`]: p.iface,
        [`participants[${i}].role`]: p.role,
      });
    });
    groups.forEach((g, i) =>
      Object.assign(fields, {
        [`groups[${i}]`]: g.group,
        [`groups[${i}].group`]: g.group,
        [`groups[${i}].mode`]: g.mode,
        [`groups[${i}].port`]: g.port,
        [`groups[${i}].source`]: g.source,
      }),
    );
    clearErrors(fields);
    submit.disabled = true;
    try {
      const saved = existing
        ? await api<Monitor>('PUT', `/api/monitors/${existing.id}`, body)
        : await api<Monitor>('POST', '/api/monitors', body);
      noticeInfo(`Monitor ${saved.name} ${existing ? 'saved' : 'created'}`);
      done(saved);
    } catch (err) {
      routeFieldError(err, fields);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function participantControls(p: ParticipantRow, agents: Agent[]): ParticipantControls {
  const a = agents.find((x) => x.name === p.agent)!;
  const include = h('input', { type: 'checkbox', name: 'include' });
  include.checked = p.included;
  const ifaces = usableInterfaces(a);
  return {
    agent: p.agent,
    include: field(`${p.agent}${a.state === 'online' ? '' : ` (${a.state})`}`, include),
    iface: field(
      `Interface of ${p.agent}`,
      select(
        'interface',
        ifaces.map((i): [string, string] => [
          i.name,
          `${i.name} ${i.addresses.filter((x) => x.includes(':') && !x.startsWith('fe80')).join(' ')}`,
        ]),
        p.interface,
      ),
    ),
    role: field(`Role of ${p.agent}`, select('role', ROLES, p.role)),
  };
}
