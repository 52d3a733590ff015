// The field tree of one message: an input per field, nested messages through the body, validation
// messages at the field they concern (the encoder's issue paths), and the selected field marked.
import type { Issue, Message, RField, TemplateLibrary } from '@netspotter/shared';
import { h, uid } from '../dom.ts';
import { getValue, setValue } from './message-path.ts';
import { followGroup } from './follow-group.ts';
import { readBits } from '@netspotter/shared/packet/bits';
import type { Span } from './byte-map.ts';

export interface MessageEditor {
  el: HTMLElement;
  /** Shows what the encoder computed (lengths, checksums, keys) in those fields' boxes. */
  showComputed(bytes: Uint8Array | undefined, spans: Span[]): void;
  showIssues(issues: Issue[]): Issue[];
  select(path: string | undefined): void;
}

export interface EditorEvents {
  /** A value changed (`structural`: a body now holds another template, so redraw). */
  change(structural: boolean): void;
  select(path: string): void;
}

const join = (base: string, name: string) => (base ? `${base}.${name}` : name);
const RAW = '';

/** Text → value: whole decimal numbers become numbers when exact, everything else is passed as typed. */
function parseInput(text: string): unknown {
  if (text.trim() === '') return undefined;
  return /^\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

const show = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function widthOf(f: RField): string {
  if (f.type === 'uint') return `${f.bits} bit`;
  if (f.bits) return `${f.bits / 8} B`;
  return f.size ? 'sized' : 'to end';
}

const isAny = (v: unknown) => typeof v === 'object' && v !== null && (v as { any?: unknown }).any === true;

/**
 * `expectation`: the message is what a receiver expects, so every value field gets an ANY toggle
 * (`{ any: true }` matches whatever the frame holds; so does a field left empty, as the agent matches
 * with unspecified fields open — the placeholder says "any").
 */
export function messageEditor(
  lib: TemplateLibrary,
  root: Message,
  on: EditorEvents,
  opts: { expectation?: boolean } = {},
): MessageEditor {
  const rows = new Map<string, { row: HTMLElement; error: HTMLElement; input?: HTMLElement }>();
  const computed = new Map<string, HTMLInputElement>();

  const fieldRow = (f: RField, path: string): HTMLElement => {
    const id = uid('mf');
    const error = h('div', { class: 'field-error', id: `${id}-err` });
    let control: HTMLElement;
    let nested: HTMLElement | null = null;
    const given = getValue(root, path);
    if (f.type === 'body') {
      const current =
        typeof given === 'object' && given !== null && 'template' in given
          ? (given as Message).template
          : RAW;
      const pick = h(
        'select',
        { id, 'aria-describedby': error.id },
        h('option', { value: RAW }, 'raw bytes (hex)'),
        ...lib.names().map((n) => h('option', { value: n }, n)),
      );
      pick.value = current;
      pick.addEventListener('change', () => {
        setValue(root, path, pick.value === RAW ? undefined : { template: pick.value });
        on.change(true);
      });
      control = pick;
      if (current !== RAW) nested = messageBlock(given as Message, path);
      else {
        const hex = h('input', {
          type: 'text',
          class: 'mono body-hex',
          'aria-label': `${path} bytes (hex)`,
          placeholder: 'hex, e.g. 48656c6c6f',
          value: show(given),
          'data-path-input': path,
        });
        hex.addEventListener('input', () => {
          setValue(root, path, hex.value.trim() || undefined);
          on.change(false);
        });
        nested = hex;
      }
    } else if (f.computed) {
      const box = h('input', {
        id,
        type: 'text',
        readonly: true,
        placeholder: `computed (${f.computed.kind})`,
        title: `computed by the encoder (${f.computed.kind})`,
        class: 'computed',
        'aria-describedby': error.id,
        'data-path-input': path,
      });
      computed.set(path, box);
      control = box;
    } else if (f.type === 'array') {
      const area = h('textarea', {
        id,
        rows: 2,
        class: 'mono',
        spellcheck: 'false',
        placeholder: 'JSON list',
        'aria-describedby': error.id,
        value: show(given),
        'data-path-input': path,
      });
      area.addEventListener('input', () => {
        try {
          setValue(root, path, area.value.trim() ? JSON.parse(area.value) : undefined);
          error.textContent = '';
          on.change(false);
        } catch {
          error.textContent = 'not JSON';
        }
      });
      control = area;
    } else {
      const dflt = f.def.default;
      const input = h('input', {
        id,
        type: 'text',
        class: f.type === 'uint' ? 'num' : 'mono',
        placeholder: opts.expectation
          ? 'any'
          : dflt === undefined
            ? f.type === 'uint'
              ? '0'
              : 'zeros'
            : show(dflt),
        value: show(given),
        'aria-describedby': error.id,
        'data-path-input': path,
        ...(f.enumValues && { list: `${id}-enum` }),
      });
      input.addEventListener('input', () => {
        const before = getValue(root, path);
        setValue(root, path, parseInput(input.value));
        // A new group in the IP header carries the frame's destination MAC along.
        const dflt = lib.get('ethernet').fields.find((x) => x.name === 'dst')?.def.default;
        const moved = followGroup(root, path, before, typeof dflt === 'string' ? dflt : '');
        const macInput = moved ? el.querySelector<HTMLInputElement>(`[data-path-input="${moved}"]`) : null;
        if (macInput) macInput.value = show(getValue(root, moved!));
        on.change(false);
      });
      control = h(
        'span',
        { class: 'value-cell' },
        input,
        opts.expectation ? anyToggle(input, path, f.name) : null,
        f.enumValues
          ? h(
              'datalist',
              { id: `${id}-enum` },
              ...[...f.enumValues.keys()].map((k) => h('option', { value: k })),
            )
          : null,
      );
    }
    const row = h(
      'div',
      { class: `frow${f.type === 'body' ? ' body' : ''}`, 'data-path': path },
      h(
        'label',
        { for: id },
        h('span', { class: 'fname' }, f.name),
        h('span', { class: 'ftype' }, `${f.type} · ${widthOf(f)}`),
      ),
      control,
      error,
      nested,
    );
    row.addEventListener('focusin', (ev) => {
      ev.stopPropagation();
      on.select(path);
    });
    row.addEventListener('click', (ev) => {
      ev.stopPropagation();
      on.select(path);
    });
    rows.set(path, { row, error, input: control });
    return row;
  };

  const anyToggle = (input: HTMLInputElement, path: string, name: string): HTMLElement => {
    const box = h('input', { type: 'checkbox', 'aria-label': `${path || name}: any value` });
    const placeholder = input.placeholder;
    const sync = () => {
      box.checked = isAny(getValue(root, path));
      input.disabled = box.checked;
      input.placeholder = box.checked ? 'any value' : placeholder;
      if (box.checked) input.value = '';
    };
    sync();
    box.addEventListener('change', () => {
      setValue(root, path, box.checked ? { any: true } : undefined);
      sync();
      on.change(false);
    });
    return h('label', { class: 'any-toggle', title: 'match any value in this field' }, box, 'ANY');
  };

  const messageBlock = (msg: Message, path: string): HTMLElement => {
    const tpl = lib.get(msg.template);
    return h(
      'fieldset',
      { class: 'msg', 'data-template': tpl.name },
      h(
        'legend',
        {},
        tpl.name,
        tpl.flat.description ? h('span', { class: 'small' }, ` — ${tpl.flat.description}`) : null,
      ),
      ...tpl.fields.map((f) => fieldRow(f, join(path, f.name))),
    );
  };

  const el = h('div', { class: 'message-editor' }, messageBlock(root, ''));

  return {
    el,
    showComputed(bytes, spans) {
      for (const [path, box] of computed) {
        const span = spans.find((x) => x.path === path);
        const v = bytes && span ? readBits(bytes, span.startBit, span.endBit - span.startBit) : undefined;
        box.value = v === undefined ? '' : `${v} (0x${v.toString(16)})`;
      }
    },
    showIssues(issues) {
      for (const { row, error } of rows.values()) {
        row.classList.remove('invalid');
        error.textContent = '';
      }
      const unplaced: Issue[] = [];
      for (const issue of issues) {
        // `records[2].sources` belongs to the `records` row; nested message paths have their own rows.
        let path = issue.path;
        while (path && !rows.has(path)) path = path.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
        const r = rows.get(path);
        if (!r) {
          unplaced.push(issue);
          continue;
        }
        r.row.classList.add('invalid');
        r.error.textContent = [
          r.error.textContent,
          issue.path === path ? issue.message : `${issue.path}: ${issue.message}`,
        ]
          .filter(Boolean)
          .join('; ');
      }
      return unplaced;
    },
    select(path) {
      for (const { row } of rows.values()) row.classList.remove('selected');
      const r = path ? rows.get(path) : undefined;
      r?.row.classList.add('selected');
      if (r && !r.row.contains(document.activeElement)) r.row.scrollIntoView({ block: 'nearest' });
    },
  };
}
