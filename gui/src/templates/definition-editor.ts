// Editing template definitions as a field table (name, type, width, size, default, computed) with
// `extends`; problems from the shared library are shown at the row they concern.
import {
  FIELD_TYPE_NAMES,
  byteFieldType,
  type FieldDef,
  type Issue,
  type TemplateDef,
} from '@netspotter/shared';
import { fill, h } from '../dom.ts';
import { editButton } from '../forms.ts';
import { issueRow } from './user-templates.ts';

/** What each structural type is; the byte types describe themselves (the shared field-type table). */
const STRUCTURAL: Record<string, string> = {
  uint: 'unsigned integer of any bit width (bits)',
  array: 'a list of items (item; a size or a count)',
  body: 'the payload: another message or bytes',
};
const describeType = (t: string) => STRUCTURAL[t] ?? byteFieldType(t)?.describe ?? t;

export interface DefinitionEvents {
  /** The definitions changed (already edited in place). */
  changed(): void;
  /** Store this definition; resolves to a status text, rejects when refused. */
  save(def: TemplateDef): Promise<string>;
  /** Forget this definition (the server's copy too); false keeps it. */
  remove(def: TemplateDef): Promise<boolean>;
  /** Build a message of this template. */
  use(name: string): void;
}

export interface DefinitionEditor {
  el: HTMLElement;
  showIssues(issues: Map<string, Issue[]>): void;
}

type Row = Record<string, unknown>;

/** One table row's text cells → a field definition (unknown keys are kept so nothing is lost). */
function cell(f: Row, key: string): string {
  const v = f[key];
  if (v === undefined) return '';
  if (key === 'size' && typeof v === 'object' && v !== null)
    return 'fixed' in v ? String((v as { fixed: number }).fixed) : (v as { field: string }).field;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function setCell(f: Row, key: string, text: string): string | undefined {
  const t = text.trim();
  if (t === '') {
    delete f[key];
    return undefined;
  }
  if (key === 'bits') f.bits = Number(t);
  else if (key === 'size') f.size = /^\d+$/.test(t) ? { fixed: Number(t) } : { field: t };
  else if (key === 'computed' || key === 'item') {
    try {
      f[key] = JSON.parse(t);
    } catch {
      return 'not JSON';
    }
  } else if (key === 'default')
    f.default = /^\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : t;
  else f[key] = t;
  return undefined;
}

export function definitionEditor(
  defs: TemplateDef[],
  names: () => string[],
  on: DefinitionEvents,
): DefinitionEditor {
  let current = 0;
  let issues = new Map<string, Issue[]>();
  const picker = h('select', { 'aria-label': 'Template to edit' });
  const body = h('div', { class: 'def-body' });
  const general = h('ul', { class: 'issues', 'aria-live': 'polite' });

  const newName = () => {
    let i = defs.length + 1;
    while (defs.some((d) => d.name === `my-template-${i}`)) i++;
    return `my-template-${i}`;
  };

  const draw = (focus?: string) => {
    fill(picker, ...defs.map((d, i) => h('option', { value: i }, d.name)));
    picker.value = String(current);
    const def = defs[current];
    if (!def) {
      fill(body, h('p', { class: 'empty' }, 'No templates of your own yet.'));
      return;
    }
    const text = (label: string, key: 'name' | 'description', attrs: Record<string, string> = {}) => {
      const input = h('input', {
        type: 'text',
        'aria-label': `Template ${label}`,
        value: def[key] ?? '',
        ...attrs,
      });
      input.addEventListener('input', () => {
        if (input.value) def[key] = input.value;
        else delete def[key];
        if (key === 'name') picker.options[current]!.text = input.value;
        on.changed();
      });
      return h('label', {}, `${label} `, input);
    };
    const ext = h(
      'select',
      { 'aria-label': 'Extends' },
      h('option', { value: '' }, '— nothing —'),
      ...names()
        .filter((n) => n !== def.name)
        .map((n) => h('option', { value: n }, n)),
    );
    ext.value = def.extends ?? '';
    ext.addEventListener('change', () => {
      if (ext.value) def.extends = ext.value;
      else delete def.extends;
      on.changed();
    });
    const rows = def.fields.map((f0, i) => {
      const f = f0 as unknown as Row;
      const error = h('td', { class: 'field-error', 'data-row-error': i });
      const textCell = (key: string, label: string, size = 8) => {
        const input = h('input', {
          type: 'text',
          size,
          'aria-label': `Field ${i + 1} ${label}`,
          value: cell(f, key),
          'data-key': key,
        });
        input.addEventListener('input', () => {
          const problem = setCell(f, key, input.value);
          input.setCustomValidity(problem ?? '');
          input.title = problem ?? '';
          on.changed();
        });
        return h('td', {}, input);
      };
      const type = h(
        'select',
        { 'aria-label': `Field ${i + 1} type` },
        ...FIELD_TYPE_NAMES.map((t) => h('option', { value: t, title: describeType(t) }, t)),
      );
      type.value = String(f.type);
      type.addEventListener('change', () => {
        f.type = type.value;
        if (type.value === 'uint') f.bits ??= 8;
        else delete f.bits;
        if (type.value === 'array') f.item ??= { type: 'uint', bits: 8 };
        else delete f.item;
        draw(`Field ${i + 1} type`);
        on.changed();
      });
      const move = (to: number) => () => {
        if (to < 0 || to >= def.fields.length) return;
        const [moved] = def.fields.splice(i, 1);
        def.fields.splice(to, 0, moved!);
        draw(`Field ${to + 1} name`);
        on.changed();
      };
      return h(
        'tr',
        { 'data-row': i },
        textCell('name', 'name', 12),
        h('td', {}, type),
        textCell('bits', 'bits', 3),
        textCell('size', 'size', 6),
        textCell('default', 'default', 12),
        textCell('computed', 'computed (JSON)', 18),
        textCell('item', 'array item (JSON)', 12),
        h(
          'td',
          { class: 'actions' },
          h('button', { type: 'button', 'aria-label': `Move field ${i + 1} up`, onclick: move(i - 1) }, '↑'),
          h(
            'button',
            { type: 'button', 'aria-label': `Move field ${i + 1} down`, onclick: move(i + 1) },
            '↓',
          ),
          h(
            'button',
            {
              type: 'button',
              'aria-label': `Remove field ${i + 1}`,
              onclick: () => {
                def.fields.splice(i, 1);
                draw();
                on.changed();
              },
            },
            '✕',
          ),
        ),
        error,
      );
    });
    const addField = h(
      'button',
      {
        type: 'button',
        onclick: () => {
          def.fields.push({ name: `field${def.fields.length + 1}`, type: 'uint', bits: 8 } as FieldDef);
          draw(`Field ${def.fields.length} name`);
          on.changed();
        },
      },
      'Add field',
    );
    fill(
      body,
      h(
        'div',
        { class: 'def-head' },
        text('Name', 'name'),
        h('label', {}, 'Extends ', ext),
        text('Description', 'description', { size: '40' }),
      ),
      h(
        'table',
        { class: 'def-fields', 'aria-label': 'Fields' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[
              'Name',
              'Type',
              'Bits',
              'Size (bytes or field)',
              'Default',
              'Computed',
              'Array item',
              '',
              'Problem',
            ].map((t) => h('th', {}, t)),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
      h(
        'div',
        { class: 'buttons' },
        addField,
        h('button', { type: 'button', onclick: () => on.use(def.name) }, 'Build a message of this template'),
      ),
      general,
    );
    paintIssues();
    if (focus) body.querySelector<HTMLElement>(`[aria-label="${focus}"]`)?.focus();
  };

  const paintIssues = () => {
    const def = defs[current];
    for (const td of body.querySelectorAll('[data-row-error]')) td.textContent = '';
    for (const tr of body.querySelectorAll('tr[data-row]')) tr.classList.remove('invalid');
    fill(general);
    if (!def) return;
    for (const issue of issues.get(def.name) ?? []) {
      const row = issueRow(issue);
      const td = row === undefined ? undefined : body.querySelector(`[data-row-error="${row}"]`);
      if (td) {
        td.textContent = [td.textContent, issue.message].filter(Boolean).join('; ');
        td.parentElement!.classList.add('invalid');
      } else
        general.append(
          h('li', { class: 'field-error' }, issue.path ? `${issue.path}: ${issue.message}` : issue.message),
        );
    }
  };

  picker.addEventListener('change', () => {
    current = Number(picker.value);
    status.textContent = '';
    draw();
  });
  const add = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        defs.push({ name: newName(), fields: [{ name: 'type', type: 'uint', bits: 8 }] });
        current = defs.length - 1;
        draw('Template Name');
        on.changed();
      },
    },
    'New template',
  );
  const status = h('span', { class: 'small', 'aria-live': 'polite' });
  const save = editButton('Save template', async () => {
    const def = defs[current];
    if (!def) return;
    status.textContent = 'saving…';
    status.textContent = await on.save(def).catch(() => 'not saved');
  });
  const remove = editButton('Delete template', async () => {
    const def = defs[current];
    if (!def || !confirm(`Delete template ${def.name}?`) || !(await on.remove(def))) return;
    defs.splice(current, 1);
    current = Math.max(0, current - 1);
    draw();
    on.changed();
  });
  const el = h(
    'div',
    { class: 'definition-editor' },
    h('div', { class: 'buttons' }, picker, add, save, remove, status),
    body,
  );
  draw();
  return {
    el,
    showIssues(next) {
      issues = next;
      paintIssues();
    },
  };
}
