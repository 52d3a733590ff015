// A task kind's arguments as a form generated from its JSON Schema (as GET /api/task-kinds serves it):
// objects become fieldsets, numbers number boxes with their bounds, unions of constants and booleans
// choices, arrays of objects rows that can be added and removed, and strings marked with `x-pick`
// pickers of agents, their interfaces and addresses, sequences or targets. Each control is registered by
// the path the server names in its 400s ("args.senders[0].agent"), so an error lands beside its field.
// Hand-written: the JSON-Schema form libraries need React or Angular, or inject inline styles the CSP forbids.
import { PICK, type PickKind } from '@netspotter/shared/api';
import { h, uid } from '../dom.ts';
import { field, type Field } from '../forms.ts';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  [PICK]?: PickKind;
}

export interface Choice {
  value: string;
  label: string;
}

/** What pickers offer; `interfacesOf` depends on the agent picked beside the interface. */
export interface Pickers {
  agent: Choice[];
  sequence: Choice[];
  target: Choice[];
  'agent-address': Choice[];
  interfacesOf(agent: string): Choice[];
}

export interface SchemaForm {
  el: HTMLElement;
  /** The arguments as the form holds them (empty optional fields left out). */
  value(): Record<string, unknown>;
  /** Shows the server's message beside the field it names; false when no field has that path. */
  showError(path: string, message: string): boolean;
  clearErrors(): void;
  /** Called after any edit. */
  onChange(listener: () => void): void;
}

interface Node {
  el: HTMLElement;
  value(): unknown;
}

const LABELS: Record<string, string> = {
  pps: 'Packets per second',
  bitsPerSecond: 'Bits per second',
  frameSize: 'Frame size (bytes)',
  targetIds: 'Targets',
  sequenceId: 'Sequence',
};
/** "timeoutMs" → "Timeout (ms)", "hopLimit" → "Hop limit". */
export function words(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const unit = /.Ms$/.test(key) ? ' (ms)' : '';
  const base = key
    .replace(/(.)Ms$/, '$1')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return base.charAt(0).toUpperCase() + base.slice(1) + unit;
}
const singular = (key: string) => words(key).replace(/s$/, '');
/** Nothing entered: undefined, or an object whose fields are all blank. */
const blank = (v: unknown): boolean =>
  v === undefined ||
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(blank));
const constants = (s: JsonSchema) =>
  s.anyOf?.every((x) => x.const !== undefined) ? s.anyOf.map((x) => String(x.const)) : undefined;

export function schemaForm(
  schema: JsonSchema,
  pickers: Pickers,
  initial: Record<string, unknown> = {},
): SchemaForm {
  const fields = new Map<string, Field>();
  const listeners: (() => void)[] = [];
  const changed = () => listeners.forEach((l) => l());

  function hint(s: JsonSchema, optional: boolean): string | undefined {
    const bounds =
      s.minimum !== undefined || s.maximum !== undefined ? `${s.minimum ?? '…'} to ${s.maximum ?? '…'}` : '';
    const def =
      s.default !== undefined && typeof s.default !== 'object' ? `default ${String(s.default)}` : '';
    const parts = [s.description, bounds, def, optional && !def ? 'optional' : ''].filter(Boolean);
    return parts.length ? parts.join(' · ') : undefined;
  }

  function options(el: HTMLSelectElement, list: Choice[], value: unknown, optional: boolean) {
    el.replaceChildren(
      ...(optional ? [h('option', { value: '' }, '—')] : []),
      ...list.map((c) => h('option', { value: c.value }, c.label)),
    );
    if (value !== undefined && list.some((c) => c.value === String(value))) el.value = String(value);
  }

  function scalar(
    path: string,
    key: string,
    s: JsonSchema,
    optional: boolean,
    value: unknown,
    sibling?: () => unknown,
  ): Node {
    const label = words(key);
    const pick = s[PICK];
    const choices = constants(s);
    let input: HTMLInputElement | HTMLSelectElement;
    let read: () => unknown;
    if (pick) {
      const sel = h('select', { name: path });
      const refresh = () =>
        options(
          sel,
          pick === 'agent-interface' ? pickers.interfacesOf(String(sibling?.() ?? '')) : pickers[pick],
          value ?? sel.value,
          optional,
        );
      refresh();
      if (pick === 'agent-interface') siblingsChanged.push(refresh);
      input = sel;
      read = () => sel.value || undefined;
    } else if (choices || s.type === 'boolean') {
      const list = choices ?? ['true', 'false'];
      const sel = h('select', { name: path });
      options(
        sel,
        list.map((c) => ({ value: c, label: c === 'true' ? 'yes' : c === 'false' ? 'no' : c })),
        value ?? s.default,
        optional && s.default === undefined,
      );
      input = sel;
      read = () =>
        sel.value === '' ? undefined : s.type === 'boolean' || !choices ? sel.value === 'true' : sel.value;
    } else if (s.type === 'integer' || s.type === 'number') {
      const box = h('input', {
        type: 'number',
        name: path,
        ...(s.minimum !== undefined && { min: s.minimum }),
        ...(s.maximum !== undefined && { max: s.maximum }),
        step: s.type === 'integer' ? 1 : 'any',
        placeholder: s.default !== undefined ? String(s.default) : '',
      });
      const start = value ?? (optional ? undefined : s.default);
      if (start !== undefined) box.value = String(start);
      input = box;
      // A number the browser cannot read goes to the server as text, which names the field.
      read = () =>
        box.value === '' ? (box.validity.badInput ? 'not a number' : undefined) : Number(box.value);
    } else {
      const box = h('input', {
        type: 'text',
        name: path,
        autocomplete: 'off',
        ...(s.maxLength !== undefined && { maxlength: s.maxLength }),
        placeholder: s.default !== undefined ? String(s.default) : '',
      });
      if (value !== undefined) box.value = String(value);
      input = box;
      read = () => box.value.trim() || undefined;
    }
    input.addEventListener('change', changed);
    input.addEventListener('input', changed);
    const f = field(label, input, hint(s, optional));
    fields.set(path, f);
    return { el: f.wrap, value: read };
  }

  /** Interface pickers listen here for their agent picker's changes. */
  const siblingsChanged: (() => void)[] = [];

  function checklist(path: string, key: string, s: JsonSchema, value: unknown): Node {
    const pick = s.items![PICK] as Exclude<PickKind, 'agent-interface'>;
    const chosen = new Set(Array.isArray(value) ? value.map(String) : []);
    const id = uid('set');
    const boxes = pickers[pick].map((c) =>
      h(
        'label',
        { class: 'check' },
        h('input', { type: 'checkbox', value: c.value, ...(chosen.has(c.value) && { checked: true }) }),
        ` ${c.label}`,
      ),
    );
    const el = h(
      'fieldset',
      { class: 'pick-list', id },
      h('legend', {}, words(key)),
      ...boxes,
      h('div', { class: 'hint' }, hint(s, true) ?? ''),
    );
    el.addEventListener('change', changed);
    const error = h('div', { class: 'field-error', role: 'alert' });
    el.append(error);
    fields.set(path, {
      wrap: el,
      input: el.querySelector('input') ?? h('input', { type: 'hidden' }),
      setError: (m) => (error.textContent = m ?? ''),
    });
    return {
      el,
      value: () => {
        const v = [...el.querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value);
        return v.length ? v : undefined;
      },
    };
  }

  function list(path: string, key: string, s: JsonSchema, value: unknown): Node {
    const item = s.items!;
    if (item[PICK] && item[PICK] !== 'agent-interface') return checklist(path, key, s, value);
    const rows: Node[] = [];
    const body = h('div', { class: 'rows' });
    const add = (v?: unknown) => {
      const i = rows.length;
      const node =
        item.type === 'object'
          ? object(`${path}[${i}]`, `${singular(key)} ${i + 1}`, item, v as Record<string, unknown>)
          : scalar(`${path}[${i}]`, `${singular(key)} ${i + 1}`, item, false, v);
      rows.push(node);
      body.append(node.el);
      changed();
    };
    const remove = () => {
      if (rows.length <= (s.minItems ?? 0)) return;
      rows.pop()!.el.remove();
      changed();
    };
    const start = Array.isArray(value) ? value : [];
    for (const v of start) add(v);
    while (rows.length < (s.minItems ?? 0)) add();
    const one = singular(key).toLowerCase();
    const el = h(
      'fieldset',
      { class: 'rows-set' },
      h('legend', {}, words(key)),
      body,
      h(
        'button',
        {
          type: 'button',
          class: 'small-button',
          onclick: () => rows.length < (s.maxItems ?? Infinity) && add(),
        },
        `Add ${one}`,
      ),
      ' ',
      h('button', { type: 'button', class: 'small-button', onclick: remove }, `Remove last ${one}`),
    );
    return {
      el,
      value: () => {
        // Rows left blank are not sent: an optional list stays out, a required one is refused by name.
        const v = rows.map((r) => r.value()).filter((x) => !blank(x));
        return v.length ? v : undefined;
      },
    };
  }

  function object(
    path: string,
    title: string | undefined,
    s: JsonSchema,
    value: Record<string, unknown> = {},
  ): Node {
    const required = new Set(s.required ?? []);
    const children = new Map<string, Node>();
    const agentOf = () => children.get('agent')?.value();
    for (const [key, p] of Object.entries(s.properties ?? {})) {
      const at = `${path}.${key}`;
      const node =
        p.type === 'object'
          ? object(at, words(key), p, value[key] as Record<string, unknown>)
          : p.type === 'array'
            ? list(at, key, p, value[key])
            : scalar(at, key, p, !required.has(key), value[key], agentOf);
      children.set(key, node);
    }
    // An interface picker follows the agent picked beside it.
    const agent = children.get('agent');
    agent?.el.addEventListener('change', () => siblingsChanged.forEach((refresh) => refresh()));
    const parts = [...children.values()].map((c) => c.el);
    const el = title
      ? h('fieldset', { class: 'nested' }, h('legend', {}, title), ...parts)
      : h('div', { class: 'schema-form' }, ...parts);
    return {
      el,
      value: () => {
        const out: Record<string, unknown> = {};
        for (const [key, node] of children) {
          const v = node.value();
          if (!blank(v) || (v !== undefined && required.has(key))) out[key] = v;
        }
        return out;
      },
    };
  }

  const root = object('args', undefined, schema, initial);
  return {
    el: root.el,
    value: () => root.value() as Record<string, unknown>,
    showError(path, message) {
      const f = fields.get(path) ?? fields.get(path.replace(/\[\d+\]$/, ''));
      if (!f) return false;
      f.setError(message);
      f.input.focus();
      return true;
    },
    clearErrors: () => fields.forEach((f) => f.setError()),
    onChange: (l) => listeners.push(l),
  };
}
