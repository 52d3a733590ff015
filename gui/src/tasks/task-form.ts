// The new-task form: name, kind, and the kind's arguments as a form generated from its schema, with
// pickers for agents, interfaces, sequences and targets; JSON only behind an "advanced" toggle. A load
// or convergence task previews its packet as the first sender will send it.
import type { Agent, PublicTarget, StoredSequence, TaskKindInfo as Kind } from '@netspotter/shared/api';
import { api, RequestError } from '../api.ts';
import { h } from '../dom.ts';
import { editable, field, routeFieldError, select, textInput } from '../forms.ts';
import { noticeInfo } from '../notices.ts';
import { loadPreview } from './load-preview.ts';
import { schemaForm, type JsonSchema, type Pickers, type SchemaForm } from './schema-form.ts';

async function loadPickers(): Promise<{ pickers: Pickers; agents: Agent[] }> {
  const [agents, sequences, targets] = await Promise.all([
    api<Agent[]>('GET', '/api/agents').catch(() => [] as Agent[]),
    api<StoredSequence[]>('GET', '/api/sequences').catch(() => [] as StoredSequence[]),
    api<PublicTarget[]>('GET', '/api/targets').catch(() => [] as PublicTarget[]),
  ]);
  const ifaces = (a: Agent | undefined) => a?.facts?.interfaces ?? [];
  return {
    agents,
    pickers: {
      agent: agents.map((a) => ({ value: a.name, label: `${a.name} (${a.state})` })),
      sequence: sequences.map((s) => ({ value: s.id, label: s.name })),
      target: targets.map((t) => ({
        value: t.id,
        label: `${t.address}${t.port === 161 ? '' : `:${t.port}`}${t.lastSysName ? ` ${t.lastSysName}` : ''}`,
      })),
      'agent-address': agents.flatMap((a) =>
        ifaces(a).flatMap((i) =>
          i.addresses
            .filter((x) => x.includes(':'))
            .map((x) => ({ value: x.split('/')[0]!, label: `${x.split('/')[0]} (${a.name} ${i.name})` })),
        ),
      ),
      interfacesOf: (name) =>
        ifaces(agents.find((a) => a.name === name)).map((i) => ({
          value: i.name,
          label: `${i.name}${i.addresses.length ? ` ${i.addresses.join(', ')}` : ''}`,
        })),
    },
  };
}

export async function taskForm(kinds: Kind[], reload: () => Promise<void>): Promise<HTMLFormElement> {
  const { pickers, agents } = await loadPickers();
  const f = {
    name: field('Name', textInput('name', { required: true })),
    kind: field(
      'Kind',
      select(
        'kind',
        kinds.map((k): [string, string] => [k.kind, `${k.kind} — ${k.description}`]),
      ),
    ),
  };
  const argsBox = h('div', { class: 'task-args' });
  // A refusal naming an argument the generated form has no field for (an unknown one, say).
  const argsError = h('div', { class: 'field-error', role: 'alert' });
  const json = field(
    'Arguments (JSON)',
    h('textarea', { name: 'args', rows: 6, class: 'mono', spellcheck: 'false' }),
    'checked by the server against the kind’s schema',
  );
  json.wrap.hidden = true;
  const asJson = h('input', { type: 'checkbox', id: 'args-as-json' });
  const preview = loadPreview();
  let args: SchemaForm | undefined;

  const kind = () => kinds.find((k) => k.kind === f.kind.input.value);
  const showPreview = () => {
    preview.el.hidden = !['load', 'convergence'].includes(kind()?.kind ?? '') || asJson.checked;
    if (!preview.el.hidden && args) preview.show(args.value(), agents);
  };
  const build = (initial: Record<string, unknown> = {}) => {
    args = schemaForm((kind()?.argsSchema ?? {}) as JsonSchema, pickers, initial);
    args.onChange(showPreview);
    argsBox.replaceChildren(args.el);
    showPreview();
  };
  f.kind.input.addEventListener('change', () => build());
  asJson.addEventListener('change', () => {
    json.setError();
    if (asJson.checked) json.input.value = JSON.stringify(args?.value() ?? {}, null, 2);
    else {
      try {
        build(JSON.parse(json.input.value || '{}'));
      } catch (e) {
        asJson.checked = true;
        json.setError(`not JSON: ${(e as Error).message}`);
        return;
      }
    }
    argsBox.hidden = asJson.checked;
    json.wrap.hidden = !asJson.checked;
    showPreview();
  });
  build();

  const form = h(
    'form',
    { 'aria-label': 'New task' },
    editable(
      'New task',
      f.name.wrap,
      f.kind.wrap,
      argsBox,
      argsError,
      h('label', { class: 'check advanced' }, asJson, ' Edit the arguments as JSON (advanced)'),
      json.wrap,
      preview.el,
      h('button', { type: 'submit' }, 'Create task'),
    ),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    for (const x of [...Object.values(f), json]) x.setError();
    args?.clearErrors();
    argsError.textContent = '';
    let value: unknown;
    try {
      value = asJson.checked ? JSON.parse(json.input.value || '{}') : args?.value();
    } catch (e) {
      json.setError(`not JSON: ${(e as Error).message}`);
      return;
    }
    try {
      await api('POST', '/api/tasks', { name: f.name.input.value, kind: f.kind.input.value, args: value });
      noticeInfo(`Task ${f.name.input.value} created`);
      f.name.input.value = '';
      await reload();
    } catch (err) {
      // args.* errors belong beside their field in the generated form, or under the JSON box
      if (routeFieldError(err, f) || !(err instanceof RequestError) || !err.field?.startsWith('args')) return;
      if (!asJson.checked && args?.showError(err.field, err.message.replace(/^.*?: /, ''))) return;
      if (asJson.checked) json.setError(err.message);
      else argsError.textContent = err.message;
    }
  });
  return form;
}
