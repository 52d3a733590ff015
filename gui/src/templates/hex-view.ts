// The encoded frame as hex, 16 bytes a row; the selected field's bytes are highlighted, and a click
// (or arrow keys) on a byte selects its field.
import { fill, h } from '../dom.ts';
import { bytesOf, pickAtByte, spansAtByte, toHex, type Span } from './byte-map.ts';

export interface HexView {
  el: HTMLElement;
  update(bytes: Uint8Array | undefined, spans: Span[]): void;
  highlight(path: string | undefined): void;
}

export function hexView(onSelect: (path: string) => void): HexView {
  const grid = h('div', {
    class: 'hex-grid mono',
    role: 'grid',
    'aria-label': 'Encoded bytes',
    tabindex: '0',
    'data-testid': 'hex-view',
  });
  const caption = h('div', { class: 'hex-caption', 'aria-live': 'polite' });
  const el = h('div', { class: 'hex-view' }, caption, grid);
  let spans: Span[] = [];
  let cells: HTMLElement[] = [];
  let selected: string | undefined;
  let cursor = 0;

  const pick = (i: number) => {
    cursor = i;
    const path = pickAtByte(spans, i, selected);
    if (path) onSelect(path);
  };
  grid.addEventListener('click', (ev) => {
    const i = (ev.target as HTMLElement).dataset.i;
    if (i !== undefined) pick(Number(i));
  });
  grid.addEventListener('keydown', (ev) => {
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 16, ArrowUp: -16 }[ev.key];
    if (step === undefined && ev.key !== 'Enter' && ev.key !== ' ') return;
    ev.preventDefault();
    // Enter/space on a shared byte moves to its next field; arrows move the byte cursor.
    if (step !== undefined) cursor = Math.max(0, Math.min(cells.length - 1, cursor + step));
    pick(cursor);
  });

  const highlight = (path: string | undefined) => {
    selected = path;
    for (const c of cells) c.classList.remove('sel');
    const span = spans.find((s) => s.path === path);
    if (!span) return;
    for (const i of bytesOf(span)) cells[i]?.classList.add('sel');
    const n = bytesOf(span);
    const bits = span.endBit - span.startBit;
    caption.textContent = `${path}: ${bits % 8 === 0 && span.startBit % 8 === 0 ? `${bits / 8} byte(s)` : `${bits} bit(s)`} at offset ${n[0] ?? 0}`;
    if (n[0] !== undefined) cursor = n[0];
  };

  return {
    el,
    update(bytes, newSpans) {
      spans = newSpans;
      if (!bytes) {
        grid.dataset.hex = '';
        fill(grid, h('p', { class: 'empty' }, 'No bytes: fix the problems shown at the fields.'));
        cells = [];
        caption.textContent = '';
        return;
      }
      grid.dataset.hex = toHex(bytes);
      cells = Array.from(bytes, (b, i) =>
        h(
          'span',
          {
            class: 'b',
            role: 'gridcell',
            'data-i': i,
            title: spansAtByte(spans, i)
              .map((s) => s.path)
              .join(', '),
          },
          b.toString(16).padStart(2, '0'),
        ),
      );
      const rows = [];
      for (let off = 0; off < cells.length; off += 16) {
        rows.push(
          h(
            'div',
            { class: 'hex-row', role: 'row' },
            h('span', { class: 'off', role: 'rowheader' }, off.toString(16).padStart(4, '0')),
            ...cells.slice(off, off + 16),
          ),
        );
      }
      fill(grid, ...rows, h('div', { class: 'hex-total' }, `${bytes.length} bytes`));
      highlight(selected);
    },
    highlight,
  };
}
