// The topology page's monitor picker: the chosen monitor's receivers coloured on the map by state and its
// lost cells' ends outlined, refreshed every 10 s, with the same in words beneath for screen readers.
import type { Agent, Matrix, Monitor } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { h } from '../dom.ts';
import type { TopologyCanvas } from './canvas.ts';
import type { Graph } from './graph.ts';
import { agentNodes, applyMonitorMarks, monitorMarks } from './monitor-overlay.ts';

export interface MonitorPicker {
  label: HTMLLabelElement;
  select: HTMLSelectElement;
  note: HTMLElement;
  /** Colours the current map (after each drawing and on a change of monitor). */
  refresh(): Promise<void>;
  stop(): void;
}

export function monitorPicker(
  initial: string | null,
  current: () => { canvas?: TopologyCanvas; graph?: Graph; snapshot: string },
): MonitorPicker {
  const select = h('select', { id: 'monitor' }, h('option', { value: '' }, '— none —'));
  const note = h('p', { class: 'small', 'aria-live': 'polite', 'data-testid': 'monitor-note' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listed = api<Monitor[]>('GET', '/api/monitors', undefined, { quiet: [403, 404] }).then(
    (list) => {
      select.append(...list.map((m) => h('option', { value: m.id }, m.name)));
      if (initial && list.some((m) => m.id === initial)) select.value = initial;
    },
    () => undefined,
  );
  const refresh = async () => {
    clearTimeout(timer);
    await listed;
    const { canvas, graph, snapshot } = current();
    if (!canvas || !graph) return;
    if (!select.value) {
      applyMonitorMarks(canvas.cy, new Map());
      note.textContent = '';
      return;
    }
    const [matrix, agents, addressed] = await Promise.all([
      api<Matrix>('GET', `/api/monitors/${encodeURIComponent(select.value)}/matrix`),
      api<Agent[]>('GET', '/api/agents'),
      // Agents are found by address: the L3 layer of the snapshot has every node's addresses.
      graph.layer === 'l3'
        ? graph
        : api<Graph>('GET', `/api/topology?${new URLSearchParams({ layer: 'l3', snapshot })}`),
    ]);
    const marks = monitorMarks(matrix, agentNodes(addressed, agents));
    const shown = new Set(graph.nodes.map((n) => n.id));
    for (const id of marks.keys()) if (!shown.has(id)) marks.delete(id);
    applyMonitorMarks(canvas.cy, marks);
    const label = (id: string) => graph.nodes.find((n) => n.id === id)?.label ?? id;
    note.textContent = `Monitor ${matrix.monitor.name}: receivers filled by their worst cell (green ok, amber degraded, red lost, violet never seen, grey stale), both ends of a lost cell ringed red. ${
      [...marks]
        .map(
          ([id, x]) =>
            `${label(id)}: ${x.agents.join(', ') || 'sender'}${x.lostEnd ? ' (end of a lost cell)' : ''}`,
        )
        .join('; ') || 'None of its agents is on this map.'
    }`;
    timer = setTimeout(() => void refresh().catch(() => undefined), 10_000);
  };
  select.addEventListener('change', () => void refresh().catch(() => undefined));
  return {
    label: h('label', { for: select.id }, 'Monitor '),
    select,
    note,
    refresh,
    stop: () => clearTimeout(timer),
  };
}
