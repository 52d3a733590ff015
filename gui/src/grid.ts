// A data table for lists of any length: every column shown, sort by any column (numbers and port
// names naturally, addresses numerically), a filter over all cells, CSV export of what is shown, and
// only the visible rows in the DOM once a list is long (thousands of ports or FDB rows scroll smoothly).
import { h, type Child } from './dom.ts';
import { downloadBlob } from './download.ts';
import { toCsv } from './csv.ts';

export interface Column<T> {
  title: string;
  /** The cell's value: what sorting, filtering and CSV read. */
  value(row: T): string | number | null | undefined;
  /** What the cell shows, when more than its value (a link, a coloured word). */
  cell?(row: T): Child;
  /** Sorts with this instead of the natural order of values. */
  compare?(a: T, b: T): number;
  numeric?: boolean;
  /** A column of controls (checkboxes, buttons): not sorted, filtered or exported. */
  control?: boolean;
}

export interface GridOptions<T> {
  /** File name of the CSV export, without extension. */
  csvName?: string;
  empty?: string;
  rowAttrs?(row: T): Record<string, string>;
  /** Initial sort: column index, ascending unless negative-zero-free `desc` is set. */
  sort?: { column: number; desc?: boolean };
  /** Extra controls in the toolbar (before the filter). */
  tools?: Child;
}

/** Past this many rows only the rows in view are drawn. */
const WINDOW_FROM = 300;
const ROW_HEIGHT = 29;
const OVERSCAN = 20;

const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function compareValues(a: unknown, b: unknown): number {
  const empty = (v: unknown) => v === null || v === undefined || v === '';
  if (empty(a) || empty(b)) return empty(a) ? (empty(b) ? 0 : 1) : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return natural.compare(String(a), String(b));
}

export interface Grid<T> {
  el: HTMLElement;
  /** Replaces the rows (sort and filter are kept). */
  setRows(rows: T[]): void;
}

export function grid<T>(
  label: string,
  columns: Column<T>[],
  initial: T[],
  opts: GridOptions<T> = {},
): Grid<T> {
  let rows = initial;
  let sortCol = opts.sort?.column ?? -1;
  let desc = opts.sort?.desc ?? false;
  let shown: T[] = [];
  const filter = h('input', {
    type: 'search',
    class: 'grid-filter',
    placeholder: 'Filter',
    'aria-label': `Filter ${label}`,
  });
  const count = h('span', { class: 'grid-count small', 'aria-live': 'polite' });
  const csv = h('button', { type: 'button', class: 'small-button' }, 'Export CSV');
  const data = columns.filter((c) => !c.control);
  const heads = columns.map((c, i) => {
    if (c.control) return h('th', { scope: 'col' }, c.title);
    const b = h('button', { type: 'button', class: 'sort' }, c.title);
    b.addEventListener('click', () => {
      if (sortCol === i) desc = !desc;
      else [sortCol, desc] = [i, false];
      update();
    });
    return h('th', { scope: 'col', ...(c.numeric && { class: 'num' }) }, b);
  });
  const tbody = h('tbody');
  const table = h(
    'table',
    { 'aria-label': label, class: 'grid' },
    h('thead', {}, h('tr', {}, ...heads)),
    tbody,
  );
  const scroller = h('div', { class: 'grid-scroll' }, table);
  const emptyNote = h('p', { class: 'empty', hidden: true }, opts.empty ?? 'Nothing to show.');
  const tools = h('div', { class: 'grid-tools' }, opts.tools, filter, count, csv);
  const el = h('div', { class: 'grid-wrap' }, tools, scroller, emptyNote);

  const rowEl = (r: T) =>
    h(
      'tr',
      opts.rowAttrs?.(r) ?? {},
      ...columns.map((c) =>
        h('td', c.numeric ? { class: 'num' } : {}, c.cell ? c.cell(r) : (c.value(r) ?? '')),
      ),
    );

  const paint = () => {
    if (shown.length < WINDOW_FROM) {
      scroller.classList.remove('windowed');
      tbody.replaceChildren(...shown.map(rowEl));
      return;
    }
    scroller.classList.add('windowed');
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil((scroller.clientHeight || 600) / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(shown.length, first + visible);
    const spacer = (n: number) =>
      n > 0
        ? h(
            'tr',
            { class: 'spacer', 'aria-hidden': 'true' },
            h('td', { colspan: columns.length, style: `height:${n * ROW_HEIGHT}px` }),
          )
        : null;
    tbody.replaceChildren(
      ...[spacer(first), ...shown.slice(first, last).map(rowEl), spacer(shown.length - last)].filter(
        (x): x is HTMLTableRowElement => x !== null,
      ),
    );
  };
  let frame = 0;
  scroller.addEventListener('scroll', () => {
    if (shown.length < WINDOW_FROM || frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      paint();
    });
  });

  const update = () => {
    const q = filter.value.trim().toLowerCase();
    shown = q
      ? rows.filter((r) =>
          data.some((c) =>
            String(c.value(r) ?? '')
              .toLowerCase()
              .includes(q),
          ),
        )
      : [...rows];
    const c = columns[sortCol];
    if (c) {
      const cmp = c.compare ?? ((a: T, b: T) => compareValues(c.value(a), c.value(b)));
      shown.sort((a, b) => (desc ? -cmp(a, b) : cmp(a, b)));
    }
    heads.forEach((th, i) =>
      i === sortCol
        ? th.setAttribute('aria-sort', desc ? 'descending' : 'ascending')
        : th.removeAttribute('aria-sort'),
    );
    count.textContent = q
      ? `${shown.length} of ${rows.length}`
      : `${rows.length} row${rows.length === 1 ? '' : 's'}`;
    emptyNote.hidden = rows.length > 0;
    // An empty table has nothing to filter or export.
    tools.hidden = rows.length === 0;
    scroller.hidden = rows.length === 0;
    paint();
  };
  filter.addEventListener('input', update);
  csv.addEventListener('click', () =>
    downloadBlob(
      `${opts.csvName ?? label.toLowerCase().replace(/\W+/g, '-')}.csv`,
      new Blob(
        [
          toCsv(
            data.map((c) => c.title),
            shown.map((r) => data.map((c) => c.value(r))),
          ),
        ],
        {
          type: 'text/csv',
        },
      ),
    ),
  );
  update();
  return {
    el,
    setRows(next) {
      rows = next;
      update();
    },
  };
}
