// A button only admins can use (agents are managed by admins; the server checks too).
import { h } from '../dom.ts';
import { hasRole } from '../session.ts';

export function adminButton(
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
