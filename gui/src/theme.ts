// Light or dark: the system's preference (prefers-color-scheme) unless the user chose one with the
// header's toggle, remembered in this browser.
import { h } from './dom.ts';

type Theme = 'auto' | 'light' | 'dark';
const KEY = 'netspotter.theme';
const NEXT: Record<Theme, Theme> = { auto: 'dark', dark: 'light', light: 'auto' };
const LABEL: Record<Theme, string> = { auto: 'Theme: system', dark: 'Theme: dark', light: 'Theme: light' };

const stored = (): Theme => {
  const t = localStorage.getItem(KEY);
  return t === 'light' || t === 'dark' ? t : 'auto';
};

export function applyTheme(theme: Theme = stored()): void {
  if (theme === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

/** Whether the page is drawn dark now (for canvases that pick their own colours). */
export const isDark = (): boolean =>
  document.documentElement.dataset.theme === 'dark' ||
  (document.documentElement.dataset.theme !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);

export function themeToggle(): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'theme-toggle' }, LABEL[stored()]);
  b.addEventListener('click', () => {
    const next = NEXT[stored()];
    if (next === 'auto') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, next);
    applyTheme(next);
    b.textContent = LABEL[next];
    document.dispatchEvent(new CustomEvent('netspotter:theme'));
  });
  return b;
}
