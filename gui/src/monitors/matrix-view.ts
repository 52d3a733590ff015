// The heatmap tables of a matrix: a row per source, a column per receiver, each cell a button coloured by
// state with its symbol (readable without colour), its figures in a tooltip shown on hover and focus.
import type { Matrix } from '@netspotter/shared/api';
import { h, uid } from '../dom.ts';
import { heatmaps, STATE_CUES, type HeatCell } from './heatmap.ts';

export interface MatrixViewOptions {
  /** The cell whose series is open (outlined). */
  selected?: { group: string; source: string; receiver: string };
  onCell(c: HeatCell): void;
}

/** The state key: each colour with its symbol and word. */
export function stateKey(): HTMLElement {
  return h(
    'ul',
    { class: 'heat-key', 'aria-label': 'Cell states' },
    ...Object.entries(STATE_CUES).map(([state, cue]) =>
      h(
        'li',
        {},
        h('span', { class: `heat-swatch state-${state}`, 'aria-hidden': 'true' }, cue.symbol),
        cue.word,
      ),
    ),
  );
}

export function matrixTables(m: Matrix, opts: MatrixViewOptions): HTMLElement {
  const tip = h('div', { class: 'heat-tip', role: 'tooltip', id: uid('tip'), hidden: true });
  const show = (btn: HTMLElement, c: HeatCell) => {
    tip.replaceChildren(
      h('strong', {}, `${c.sourceName} → ${c.receiverName}: ${STATE_CUES[c.state].word}`),
      ...c.details.map((d) => h('div', {}, d)),
    );
    tip.hidden = false;
    const r = btn.getBoundingClientRect();
    const host = tip.parentElement!.getBoundingClientRect();
    tip.style.left = `${r.left - host.left + r.width + 6}px`;
    tip.style.top = `${r.top - host.top}px`;
    btn.setAttribute('aria-describedby', tip.id);
  };
  const hide = (btn: HTMLElement) => {
    tip.hidden = true;
    btn.removeAttribute('aria-describedby');
  };
  const sel = opts.selected;
  const tables = heatmaps(m).map((hm) =>
    h(
      'figure',
      { class: 'heatmap', 'data-group': hm.group.group },
      h('figcaption', {}, hm.title),
      h(
        'table',
        { class: 'heat', 'aria-label': `Matrix ${hm.title}` },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', class: 'corner' }, 'source ↓ receiver →'),
            ...hm.receivers.map((r) => h('th', { scope: 'col' }, r.name)),
          ),
        ),
        h(
          'tbody',
          {},
          ...hm.rows.map((cells, i) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, hm.sources[i]!.name),
              ...cells.map((c) => {
                if (!c) return h('td', { class: 'heat-none' }, h('span', { class: 'sr-only' }, 'no cell'));
                const chosen =
                  sel && sel.group === c.group && sel.source === c.source && sel.receiver === c.receiver;
                const btn = h(
                  'button',
                  {
                    type: 'button',
                    class: `heat-cell state-${c.state}${chosen ? ' chosen' : ''}`,
                    'data-state': c.state,
                    'data-cell': `${c.sourceName}>${c.receiverName}`,
                    'aria-label': `${c.sourceName} to ${c.receiverName}: ${STATE_CUES[c.state].word}. ${c.details.join('; ')}`,
                    ...(chosen && { 'aria-pressed': 'true' }),
                  },
                  STATE_CUES[c.state].symbol,
                );
                btn.addEventListener('click', () => opts.onCell(c));
                btn.addEventListener('mouseenter', () => show(btn, c));
                btn.addEventListener('focus', () => show(btn, c));
                btn.addEventListener('mouseleave', () => hide(btn));
                btn.addEventListener('blur', () => hide(btn));
                return h('td', {}, btn);
              }),
            ),
          ),
        ),
      ),
    ),
  );
  return h('div', { class: 'heatmaps' }, ...tables, tip);
}
