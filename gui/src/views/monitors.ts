// Monitors: the list with each monitor's cell states and freshness (`#/monitors`), a monitor's live
// heatmap matrix with a time slider, its receivers' leave/rejoin and one cell's series
// (`#/monitors/ID`), and the create/edit form (`#/monitors/new`, `#/monitors/ID/edit`).
import type { Agent, Matrix, Monitor } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { fill, h, when } from '../dom.ts';
import { editButton } from '../forms.ts';
import { grid } from '../grid.ts';
import { noticeInfo } from '../notices.ts';
import { href, type View } from '../router.ts';
import { canEdit } from '../session.ts';
import { ageText, stateSummary, worstState, STATE_CUES, type HeatCell } from '../monitors/heatmap.ts';
import { matrixTables, stateKey } from '../monitors/matrix-view.ts';
import { monitorForm } from '../monitors/monitor-form.ts';

const PATH = '/monitors';
const monitorPath = (id: string) => `/api/monitors/${encodeURIComponent(id)}`;

const freshness = (m: Pick<Matrix, 'newestSummaryAge'>) =>
  m.newestSummaryAge === null ? 'no summary yet' : `newest summary ${ageText(m.newestSummaryAge)}`;

function summaryBadge(counts: Record<string, number>): HTMLElement {
  const worst = worstState(counts);
  return h(
    'span',
    { class: 'cell-summary' },
    worst
      ? h('span', { class: `heat-swatch state-${worst}`, 'aria-hidden': 'true' }, STATE_CUES[worst].symbol)
      : null,
    ` ${stateSummary(counts)}`,
  );
}

/** Viewers get no edit link (the server refuses their writes anyway). */
const editLink = (m: Monitor) =>
  canEdit()
    ? h('a', { href: href(PATH, m.id, 'edit'), class: 'button-link', 'aria-label': `Edit ${m.name}` }, 'Edit')
    : null;

/** Start/stop as one button: the monitor's next state. */
const runButton = (m: Monitor, after: () => void) =>
  editButton(
    m.state === 'running' ? 'Stop' : 'Start',
    async () => {
      await api('POST', `${monitorPath(m.id)}/${m.state === 'running' ? 'stop' : 'start'}`).catch(
        () => undefined,
      );
      after();
    },
    { 'aria-label': `${m.state === 'running' ? 'Stop' : 'Start'} ${m.name}` },
  );

const deleteButton = (m: Monitor, after: () => void) =>
  editButton(
    'Delete',
    async () => {
      if (!confirm(`Delete monitor ${m.name} with its history?`)) return;
      await api('DELETE', monitorPath(m.id)).then(
        () => noticeInfo(`Monitor ${m.name} deleted`),
        () => undefined,
      );
      after();
    },
    { 'aria-label': `Delete ${m.name}`, class: 'danger' },
  );

async function listPage(root: HTMLElement): Promise<() => void> {
  const box = h('div', { class: 'table-wrap' });
  let gone = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const load = async () => {
    const monitors = await api<Monitor[]>('GET', '/api/monitors');
    const matrices = new Map(
      await Promise.all(
        monitors.map(
          async (m) =>
            [m.id, await api<Matrix>('GET', `${monitorPath(m.id)}/matrix`).catch(() => undefined)] as const,
        ),
      ),
    );
    if (gone) return;
    fill(
      box,
      monitors.length === 0
        ? h(
            'p',
            { class: 'empty' },
            'No monitors yet: create one to watch groups between agents continuously.',
          )
        : grid(
            'Monitors',
            [
              {
                title: 'Name',
                value: (m) => m.name,
                cell: (m) => h('a', { href: href(PATH, m.id) }, m.name),
              },
              { title: 'State', value: (m) => m.state },
              {
                title: 'Cells',
                value: (m) => stateSummary(matrices.get(m.id)?.counts ?? {}),
                cell: (m) => summaryBadge(matrices.get(m.id)?.counts ?? {}),
              },
              {
                title: 'Freshness',
                value: (m) => matrices.get(m.id)?.newestSummaryAge,
                cell: (m) => {
                  const x = matrices.get(m.id);
                  return x ? freshness(x) : '—';
                },
              },
              { title: 'Groups', value: (m) => m.groups.map((g) => g.group).join(' ') },
              { title: 'Agents', value: (m) => m.participants.length },
              {
                title: '',
                control: true,
                value: () => '',
                cell: (m) =>
                  h(
                    'span',
                    { class: 'actions' },
                    runButton(m, () => void load()),
                    editLink(m),
                    deleteButton(m, () => void load()),
                  ),
              },
            ],
            monitors,
            { csvName: 'monitors' },
          ).el,
    );
    timer = setTimeout(() => void load().catch(() => undefined), 10_000);
  };
  if (canEdit())
    root.append(h('p', {}, h('a', { href: href(PATH, 'new'), class: 'button-link primary' }, 'New monitor')));
  root.append(box);
  await load().catch(() => undefined);
  return () => {
    gone = true;
    clearTimeout(timer);
  };
}

async function formPage(root: HTMLElement, id?: string): Promise<void> {
  const [agents, existing] = await Promise.all([
    api<Agent[]>('GET', '/api/agents'),
    id ? api<Monitor>('GET', monitorPath(id)) : Promise.resolve(undefined),
  ]);
  root.append(
    h('p', {}, h('a', { href: existing ? href(PATH, existing.id) : `#${PATH}` }, '← back')),
    monitorForm(agents, existing, (m) => (location.hash = href(PATH, m.id))),
  );
}

async function detailPage(root: HTMLElement, id: string): Promise<() => void> {
  let monitor = await api<Monitor>('GET', monitorPath(id));
  const started = Date.parse(monitor.createdAt) / 1000;
  const head = h('div', { class: 'monitor-head' });
  const status = h('p', { class: 'freshness', 'aria-live': 'polite', 'data-testid': 'freshness' });
  const problems = h('div');
  const slider = h('input', {
    type: 'range',
    id: 'matrix-time',
    name: 'at',
    min: String(Math.floor(started)),
    max: String(Math.ceil(Date.now() / 1000)),
    step: String(monitor.intervalSeconds),
  });
  slider.value = slider.max;
  const sliderText = h('output', { for: slider.id, class: 'slider-text' }, 'live');
  const liveButton = h('button', { type: 'button' }, 'Live');
  const tables = h('div', { 'data-testid': 'matrix' });
  const receivers = h('div', { class: 'receivers' });
  const seriesBox = h('div');
  let live = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let gone = false;
  let selected: HeatCell | undefined;
  let closeSeries: (() => void) | undefined;

  const openCell = async (c: HeatCell) => {
    selected = c;
    closeSeries?.();
    // uPlot loads with the first chart, not with the app.
    const { seriesPanel } = await import('../monitors/series-chart.ts');
    const panel = seriesPanel(monitor.id, c);
    closeSeries = panel.destroy;
    fill(seriesBox, panel.el);
    for (const b of tables.querySelectorAll('.heat-cell.chosen')) b.classList.remove('chosen');
    tables
      .querySelector(`[data-cell="${CSS.escape(`${c.sourceName}>${c.receiverName}`)}"]`)
      ?.classList.add('chosen');
    panel.el.scrollIntoView({ block: 'nearest' });
  };

  const drawHead = () => {
    fill(
      head,
      h(
        'p',
        {},
        h('strong', {}, monitor.state === 'running' ? 'Running' : 'Stopped'),
        ` · ${monitor.beaconPps} beacons/s · every ${monitor.intervalSeconds} s · thresholds: degraded at ${monitor.thresholds.degradedLossPct}% loss, lost at ${monitor.thresholds.lostLossPct}%`,
        monitor.description ? ` · ${monitor.description}` : '',
      ),
      h(
        'p',
        { class: 'actions' },
        runButton(monitor, () => void reload()),
        editLink(monitor),
        deleteButton(monitor, () => (location.hash = `#${PATH}`)),
      ),
    );
    const rcv = monitor.participants.filter((p) => p.role !== 'sender');
    fill(
      receivers,
      h('h2', {}, 'Receivers'),
      h(
        'ul',
        { class: 'receiver-list' },
        ...rcv.map((p) =>
          h(
            'li',
            {},
            `${p.agent} on ${p.interface}: ${p.joined ? 'joined' : 'left (operator)'} `,
            editButton(
              p.joined ? 'Leave' : 'Rejoin',
              async () => {
                monitor = await api<Monitor>(
                  'POST',
                  `${monitorPath(monitor.id)}/receivers/${encodeURIComponent(p.agentId)}/${p.joined ? 'leave' : 'join'}`,
                ).catch(() => monitor);
                drawHead();
              },
              { 'aria-label': `${p.joined ? 'Leave' : 'Rejoin'}: ${p.agent}` },
            ),
          ),
        ),
      ),
    );
  };

  const showMatrix = async () => {
    const at = live ? '' : `?at=${new Date(Number(slider.value) * 1000).toISOString()}`;
    const m = await api<Matrix>('GET', `${monitorPath(monitor.id)}/matrix${at}`);
    if (gone) return;
    status.textContent = `${m.live ? 'Live' : `As it was at ${when(m.at)}`} · ${stateSummary(m.counts)} · ${freshness(m)}`;
    status.dataset.state = worstState(m.counts) ?? 'none';
    const issues = Object.entries(m.problems);
    fill(
      problems,
      issues.length
        ? h(
            'ul',
            { class: 'notice error', 'aria-label': 'Agents’ problems' },
            ...issues.map(([agent, list]) => h('li', {}, `${agent}: ${list.join('; ')}`)),
          )
        : null,
    );
    fill(tables, matrixTables(m, { ...(selected && { selected }), onCell: (c) => void openCell(c) }));
  };
  const tick = async () => {
    clearTimeout(timer);
    if (live) {
      slider.max = String(Math.ceil(Date.now() / 1000));
      slider.value = slider.max;
    }
    await showMatrix().catch(() => undefined);
    // Live: refreshed every interval (at most every 2 s); a past time stays as it was.
    if (live && !gone) timer = setTimeout(() => void tick(), Math.max(2, monitor.intervalSeconds) * 1000);
  };
  const reload = async () => {
    monitor = await api<Monitor>('GET', monitorPath(id));
    drawHead();
    await tick();
  };

  slider.addEventListener('input', () => {
    const end = Number(slider.value) >= Number(slider.max);
    sliderText.textContent = end ? 'live' : new Date(Number(slider.value) * 1000).toLocaleString();
  });
  slider.addEventListener('change', () => {
    live = Number(slider.value) >= Number(slider.max);
    void tick();
  });
  liveButton.addEventListener('click', () => {
    live = true;
    sliderText.textContent = 'live';
    void tick();
  });

  drawHead();
  root.append(
    h('h2', {}, monitor.name),
    head,
    status,
    problems,
    h(
      'div',
      { class: 'toolbar time-slider' },
      h('label', { for: slider.id }, 'Time '),
      slider,
      sliderText,
      liveButton,
    ),
    stateKey(),
    tables,
    receivers,
    seriesBox,
  );
  await tick();
  return () => {
    gone = true;
    clearTimeout(timer);
    closeSeries?.();
  };
}

export const monitorsView: View = {
  path: PATH,
  title: 'Monitors',
  minRole: 'viewer',
  async render(root, rest) {
    const [id, sub] = rest;
    if (id === 'new') return formPage(root);
    if (id && sub === 'edit') return formPage(root, id);
    if (id) return detailPage(root, id);
    return listPage(root);
  },
};
