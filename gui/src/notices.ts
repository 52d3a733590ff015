// The notice area: every failed request and every completed action says so here.
import { h } from './dom.ts';

let area: HTMLElement | undefined;

export function noticeArea(): HTMLElement {
  area ??= h('div', { id: 'notices', class: 'notices', 'aria-live': 'polite' });
  return area;
}

function show(kind: 'error' | 'info', text: string): HTMLElement {
  const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Dismiss' }, '×');
  const item = h(
    'div',
    { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('span', {}, text),
    close,
  );
  close.addEventListener('click', () => item.remove());
  noticeArea().append(item);
  // Information fades; errors stay until dismissed so none is missed.
  if (kind === 'info') setTimeout(() => item.remove(), 5000);
  return item;
}

export const noticeError = (text: string): HTMLElement => show('error', text);
export const noticeInfo = (text: string): HTMLElement => show('info', text);
export const clearNotices = (): void => noticeArea().replaceChildren();
