// A monitor over the map: each receiving agent's node coloured by the worst state of its cells, and the
// two ends (source and receiver) of every lost cell outlined. Agents are placed on the nodes that carry
// their reported addresses.
import type { Agent, CellState, Matrix } from '@netspotter/shared/api';
import { matrixCells } from '@netspotter/shared/api';
import type { Core } from 'cytoscape';
import { nodeByAddress, type Graph } from './graph.ts';

export interface NodeMark {
  /** The worst state of the cells the node's agents receive (undefined: they only send). */
  state?: CellState;
  /** Agent names on this node, with the state each receives in. */
  agents: string[];
  /** An end of a lost cell. */
  lostEnd: boolean;
}

const WORST: CellState[] = ['lost', 'degraded', 'stale', 'never-seen', 'ok'];
const worse = (a: CellState | undefined, b: CellState) =>
  a === undefined || WORST.indexOf(b) < WORST.indexOf(a) ? b : a;

/** The node of each agent (by id): the first of its interface addresses or its last address on the map. */
export function agentNodes(
  graph: Graph,
  agents: Array<Pick<Agent, 'id' | 'facts' | 'lastAddress'>>,
): Map<string, string> {
  const find = nodeByAddress(graph);
  const out = new Map<string, string>();
  for (const a of agents) {
    const addresses = [
      ...(a.facts?.interfaces ?? []).flatMap((i) => i.addresses ?? []),
      ...(a.lastAddress ? [a.lastAddress] : []),
    ];
    const node = addresses.map(find).find((n) => n);
    if (node) out.set(a.id, node.id);
  }
  return out;
}

/** The marks of the nodes whose agents take part in the matrix (agents not on the map are left out). */
export function monitorMarks(
  m: Pick<Matrix, 'groups' | 'states'>,
  nodeOf: ReadonlyMap<string, string>,
): Map<string, NodeMark> {
  const marks = new Map<string, NodeMark>();
  const mark = (node: string) => {
    if (!marks.has(node)) marks.set(node, { agents: [], lostEnd: false });
    return marks.get(node)!;
  };
  const received = new Map<string, { name: string; state: CellState }>();
  for (const g of m.groups)
    for (const c of matrixCells(g)) {
      const rcv = g.receivers[c.receiver ?? -1];
      const src = g.sources[c.source ?? -1];
      const state = (m.states[c.state ?? -1] ?? 'stale') as CellState;
      if (!rcv) continue;
      const before = received.get(rcv.id);
      received.set(rcv.id, { name: rcv.name, state: worse(before?.state, state) });
      if (state !== 'lost') continue;
      for (const id of [rcv.id, src?.id]) {
        const node = id === undefined ? undefined : nodeOf.get(id);
        if (node) mark(node).lostEnd = true;
      }
    }
  for (const [id, r] of received) {
    const node = nodeOf.get(id);
    if (!node) continue;
    const x = mark(node);
    x.state = worse(x.state, r.state);
    x.agents.push(`${r.name} ${r.state}`);
  }
  return marks;
}

const FILL: Record<CellState, string> = {
  ok: '#1e8a3c',
  degraded: '#e0a100',
  lost: '#c62828',
  'never-seen': '#7b4fb3',
  stale: '#8a96a3',
};

/** Draws the marks as element styles (removed again with an empty map). */
export function applyMonitorMarks(cy: Core, marks: Map<string, NodeMark>): void {
  cy.nodes().removeStyle('background-color border-color border-width border-style');
  for (const [id, x] of marks) {
    const n = cy.getElementById(id);
    if (x.state) n.style('background-color', FILL[x.state]);
    if (x.lostEnd) n.style({ 'border-color': FILL.lost, 'border-width': 6, 'border-style': 'double' });
  }
}
