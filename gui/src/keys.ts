// Keyboard: `/` focuses the search box (unless the user is typing somewhere), Esc closes the panel
// opened last (any element marked data-closable, through its own close button).
export function installKeys(): void {
  document.addEventListener('keydown', (ev) => {
    const typing =
      ev.target instanceof HTMLElement && ev.target.closest('input, textarea, select, [contenteditable]');
    if (ev.key === '/' && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      const box = document.getElementById('global-search');
      if (box) {
        ev.preventDefault();
        box.focus();
      }
      return;
    }
    if (ev.key !== 'Escape') return;
    const open = [...document.querySelectorAll<HTMLElement>('[data-closable]')].filter((el) => !el.hidden);
    const last = open.at(-1);
    if (!last) return;
    ev.preventDefault();
    last.querySelector<HTMLButtonElement>('[data-close]')?.click();
  });
}
