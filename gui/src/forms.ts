// Labelled form fields with their error message beside them, and the server's 400 `field` routed there.
import { h, uid } from './dom.ts';
import { RequestError } from './api.ts';
import { canEdit } from './session.ts';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface Field<C extends Control = Control> {
  wrap: HTMLElement;
  input: C;
  setError(message?: string): void;
}

export function field<C extends Control>(label: string, input: C, hint?: string): Field<C> {
  input.id ||= uid('f');
  const error = h('div', { class: 'field-error', id: uid('err'), role: 'alert' });
  const hintEl = hint ? h('div', { class: 'hint', id: uid('hint') }, hint) : undefined;
  input.setAttribute('aria-describedby', [hintEl?.id, error.id].filter(Boolean).join(' '));
  const wrap = h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hintEl, error);
  return {
    wrap,
    input,
    setError(message) {
      error.textContent = message ?? '';
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    },
  };
}

export const textInput = (
  name: string,
  attrs: Record<string, string | boolean | number> = {},
): HTMLInputElement => h('input', { type: 'text', name, autocomplete: 'off', ...attrs });

export function select(
  name: string,
  options: Array<string | [value: string, label: string]>,
  value?: string,
): HTMLSelectElement {
  const el = h(
    'select',
    { name },
    ...options.map((o) =>
      typeof o === 'string' ? h('option', { value: o }, o) : h('option', { value: o[0] }, o[1]),
    ),
  );
  if (value !== undefined) el.value = value;
  return el;
}

/**
 * Shows a failed request's message at the field the server named (`credential.authKey` finds the
 * field registered as `credential.authKey`, then `authKey`); returns whether a field took it.
 */
export function routeFieldError(err: unknown, fields: Record<string, Field>): boolean {
  if (!(err instanceof RequestError) || !err.field) return false;
  const target = fields[err.field] ?? fields[err.field.split('.').at(-1)!];
  if (!target) return false;
  target.setError(err.message.replace(/^.*?: /, ''));
  target.input.focus();
  return true;
}

export const clearErrors = (fields: Record<string, Field>): void => {
  for (const f of Object.values(fields)) f.setError();
};

/** A fieldset that viewers see disabled (the server refuses their writes as well). */
export function editable(legend: string, ...children: HTMLElement[]): HTMLFieldSetElement {
  const fs = h('fieldset', { class: 'editable' }, h('legend', {}, legend), ...children);
  if (!canEdit()) {
    fs.disabled = true;
    fs.title = 'Viewers cannot edit';
  }
  return fs;
}

/** A button that only operators and admins can use. */
export function editButton(
  label: string,
  onclick: () => void,
  attrs: Record<string, string> = {},
): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attrs }, label);
  if (canEdit()) b.addEventListener('click', onclick);
  else {
    b.disabled = true;
    b.title = 'Viewers cannot edit';
  }
  return b;
}
