// The selected step's form: who acts, the kind-specific values (message with its template and
// values, per-field ANY for expectations, count, timeout, group and SSM source, wait time) and the
// server's error for this step at the field it names.
import type { Message, TemplateLibrary } from '@netspotter/shared';
import { h } from '../dom.ts';
import { field, select, textInput, type Field } from '../forms.ts';
import { messageEditor } from '../templates/message-editor.ts';
import type { ErrorPlace } from './error-place.ts';
import type { Participant, SequenceStep } from './document.ts';

export interface StepFormEvents {
  /** A value changed: apply `mutate` to the stored step (`mergeKey` groups keystrokes into one undo step). */
  change(mutate: (step: SequenceStep) => void, mergeKey: string, redraw?: boolean): void;
  move(delta: -1 | 1): void;
  remove(): void;
}

export interface StepFormInput {
  step: SequenceStep;
  index: number;
  count: number;
  key: number;
  participants: Participant[];
  lib: TemplateLibrary;
  error?: { place: Extract<ErrorPlace, { area: 'step' }>; message: string };
}

const ALL = '';

/** Whole non-negative numbers; empty leaves the optional value out. */
const parseCount = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

export function stepForm(input: StepFormInput, on: StepFormEvents): HTMLElement {
  const { step, key, participants } = input;
  const fields: Record<string, Field> = {};
  const merge = (name: string) => `step-${key}-${name}`;
  const names = participants.map((p) => p.name);

  const whoField = (prop: 'from' | 'at', label: string, allowAll = false) => {
    const current = (step as Record<string, unknown>)[prop] as string | undefined;
    const options: Array<[string, string]> = [
      ...(allowAll ? [[ALL, 'every participant'] as [string, string]] : []),
      ...names.map((n): [string, string] => [n, n]),
      ...(current && !names.includes(current)
        ? [[current, `${current} (not a participant)`] as [string, string]]
        : []),
    ];
    const f = field(label, select(prop, options, current ?? ALL));
    f.input.addEventListener('change', () =>
      on.change(
        (st) => {
          const o = st as Record<string, unknown>;
          if (f.input.value === ALL) delete o[prop];
          else o[prop] = f.input.value;
        },
        merge(prop),
        true,
      ),
    );
    fields[prop] = f;
    return f.wrap;
  };

  const numberField = (prop: string, label: string, hint?: string) => {
    const value = (step as Record<string, unknown>)[prop];
    const f = field(
      label,
      h('input', {
        type: 'number',
        name: prop,
        min: 0,
        step: 1,
        value: value === undefined ? '' : String(value),
        class: 'num',
      }),
      hint,
    );
    f.input.addEventListener('input', () =>
      on.change((st) => {
        const o = st as Record<string, unknown>;
        const n = parseCount(f.input.value);
        if (n === undefined) delete o[prop];
        else o[prop] = n;
      }, merge(prop)),
    );
    fields[prop] = f;
    return f.wrap;
  };

  const textField = (prop: string, label: string, hint?: string, optional = false) => {
    const value = (step as Record<string, unknown>)[prop] as string | undefined;
    const f = field(label, textInput(prop, { value: value ?? '', class: 'mono' }), hint);
    f.input.addEventListener('input', () =>
      on.change((st) => {
        const o = st as Record<string, unknown>;
        const v = f.input.value.trim();
        if (optional && v === '') delete o[prop];
        else o[prop] = v;
      }, merge(prop)),
    );
    fields[prop] = f;
    return f.wrap;
  };

  let editorIssue: ((path: string, message: string) => void) | undefined;
  const messageSection = (msg: Message, expectation: boolean) => {
    const working = structuredClone(msg);
    const rootPick = field('Template', select('template', input.lib.names(), working.template));
    rootPick.input.addEventListener('change', () =>
      on.change(
        (st) => void ((st as { message: Message }).message = { template: rootPick.input.value }),
        merge('template'),
        true,
      ),
    );
    const editor = messageEditor(
      input.lib,
      working,
      {
        change: (structural) =>
          on.change(
            (st) => void ((st as { message: Message }).message = structuredClone(working)),
            merge('message'),
            structural,
          ),
        select: (path) => editor.select(path),
      },
      { expectation },
    );
    editorIssue = (path, message) => {
      const rest = editor.showIssues([{ path, message }]);
      if (rest.length) messageError.textContent = `${path}: ${message}`;
    };
    const messageError = h('div', { class: 'field-error', role: 'alert' });
    fields.message = {
      wrap: rootPick.wrap,
      input: rootPick.input,
      setError: (m) => (messageError.textContent = m ?? ''),
    };
    return h(
      'div',
      { class: 'step-message' },
      rootPick.wrap,
      h(
        'p',
        { class: 'hint' },
        expectation
          ? 'Fields left empty match anything (the agent checks only the fields given); fill a field to require its value. '
          : 'Fields left empty take the template default. ',
        'Values may name aliases: $h1 is participant h1’s address, $h1.mac its MAC.',
      ),
      messageError,
      editor.el,
    );
  };

  const body: HTMLElement[] = [];
  switch (step.op) {
    case 'send':
      body.push(
        h(
          'div',
          { class: 'field-row' },
          whoField('from', 'Sent by'),
          numberField('count', 'Count'),
          numberField('intervalMs', 'Interval (ms)'),
        ),
        messageSection(step.message, false),
      );
      break;
    case 'expect':
    case 'expect-none': {
      const none = h('input', {
        type: 'checkbox',
        name: 'expect-none',
        ...(step.op === 'expect-none' && { checked: true }),
      });
      none.addEventListener('change', () =>
        on.change((st) => void (st.op = none.checked ? 'expect-none' : 'expect'), merge('op'), true),
      );
      body.push(
        h(
          'div',
          { class: 'field-row' },
          whoField('at', 'Expected at'),
          numberField('count', 'Count'),
          numberField('timeoutMs', 'Timeout (ms)', 'default 2000'),
        ),
        h(
          'label',
          { class: 'check' },
          none,
          ' Expect none: pass only if no matching frame arrives before the timeout',
        ),
        messageSection(step.message, true),
      );
      break;
    }
    case 'join':
    case 'leave': {
      const op = field(
        'Action',
        select(
          'op',
          [
            ['join', 'join'],
            ['leave', 'leave'],
          ],
          step.op,
        ),
      );
      op.input.addEventListener('change', () =>
        on.change((st) => void (st.op = op.input.value as 'join'), merge('op'), true),
      );
      fields.op = op;
      body.push(
        h('div', { class: 'field-row' }, op.wrap, whoField('at', 'Participant')),
        h(
          'div',
          { class: 'field-row' },
          textField('group', 'Group', 'IPv6 multicast group, e.g. ff3e::1234'),
          textField(
            'source',
            'Source (SSM)',
            'empty for any-source (ASM); an address or $alias for SSM',
            true,
          ),
        ),
      );
      break;
    }
    case 'wait':
      body.push(
        h('div', { class: 'field-row' }, numberField('ms', 'Wait (ms)'), whoField('at', 'Who waits', true)),
      );
      break;
    case 'barrier':
      body.push(
        numberField('timeoutMs', 'Timeout (ms)', 'how long to wait for every participant; default 30000'),
      );
      break;
  }

  const general = h('div', { class: 'field-error step-error', role: 'alert' });
  const form = h(
    'section',
    { class: 'step-form', 'aria-label': `Step ${input.index + 1}`, 'data-key': key },
    h(
      'div',
      { class: 'step-form-head' },
      h('h3', {}, `Step ${input.index + 1} of ${input.count}: ${step.op}`),
      h(
        'span',
        { class: 'buttons' },
        h(
          'button',
          { type: 'button', onclick: () => on.move(-1), disabled: input.index === 0 },
          'Move earlier',
        ),
        h(
          'button',
          { type: 'button', onclick: () => on.move(1), disabled: input.index === input.count - 1 },
          'Move later',
        ),
        h('button', { type: 'button', class: 'danger', onclick: () => on.remove() }, 'Delete step'),
      ),
    ),
    general,
    ...body,
  );

  const err = input.error;
  if (err) {
    const { place, message } = err;
    const target = place.part && place.part !== 'message' ? fields[place.part.split('.')[0]!] : undefined;
    if (place.part === 'message' && place.messagePath && editorIssue) editorIssue(place.messagePath, message);
    else if (place.part === 'message' && fields.message) fields.message.setError(message);
    else if (target) target.setError(message);
    else general.textContent = message;
    form.classList.add('invalid');
  }
  return form;
}
