// The receivers of a load run on the newest discovered L3 topology, coloured by loss.
import type { Agent, AgentPlacementsResponse, Graph, Job, SnapshotMeta } from '@netspotter/shared/api';
import { api } from '../api.ts';
import { h, when } from '../dom.ts';
import { lossColour, type ReceiverSeries } from './load-series.ts';
import { placeReceivers, type ReceiverPlace } from './topology-match.ts';

/** What the panel reads of a job: its agent and its plan's receive step. */
type JobRef = Pick<Job, 'agentId' | 'participant' | 'plan'>;

/** `cleanups` gets the canvas's destroy, run when the page is left or redrawn. */
export async function receiversOnTopology(
  receivers: ReceiverSeries[],
  jobs: JobRef[],
  cleanups: Array<() => void>,
): Promise<HTMLElement> {
  const section = h(
    'section',
    { class: 'on-topology', 'aria-labelledby': 'ontopo-h' },
    h('h3', { id: 'ontopo-h' }, 'Receivers on the topology'),
  );
  const [agents, snapshots] = await Promise.all([
    api<Agent[]>('GET', '/api/agents').catch(() => [] as Agent[]),
    api<SnapshotMeta[]>('GET', '/api/snapshots?limit=1', undefined, {
      quiet: [404],
    }).catch(() => [] as SnapshotMeta[]),
  ]);
  const snapshot = snapshots[0];
  if (!snapshot) {
    section.append(
      h('p', { class: 'empty' }, 'No discovery snapshot to place the receivers on: run a discovery first.'),
    );
    return section;
  }
  const [graph, placements] = await Promise.all([
    api<Graph>('GET', `/api/topology?${new URLSearchParams({ layer: 'l3', snapshot: snapshot.id })}`),
    api<AgentPlacementsResponse>(
      'GET',
      `/api/multicast/agents?${new URLSearchParams({ snapshot: snapshot.id })}`,
    ).then(
      (r) => r.agents,
      () => [] as AgentPlacementsResponse['agents'],
    ),
  ]);
  const places: ReceiverPlace[] = receivers.map((r) => {
    const job = jobs.find((j) => j.participant === r.receiver);
    const agent = agents.find((a) => a.id === job?.agentId);
    const iface = job?.plan.steps.find((s) => s.op === 'receive')?.interface;
    const own = agent?.facts?.interfaces?.find((i) => i.name === iface)?.addresses ?? [];
    const attached = placements.find((p) => p.agentId === job?.agentId)?.placed;
    return {
      receiver: r.receiver,
      addresses: [...own, ...(agent?.lastAddress ? [agent.lastAddress] : [])],
      lossRatio: r.totals.lossRatio,
      ...(attached && { attached }),
    };
  });
  const placed = placeReceivers(places, graph);
  const box = h('div', { class: 'cy small-cy', 'data-testid': 'receivers-topology' });
  section.append(
    h(
      'p',
      { class: 'small' },
      `Snapshot of ${when(snapshot.takenAt)}, L3 layer; nodes matched by the agents’ addresses, else by FDB, ARP/ND and LLDP evidence of their MACs and addresses.`,
    ),
    h(
      'ul',
      { class: 'placements' },
      ...placed.map((p) =>
        h(
          'li',
          { 'data-receiver': p.receiver },
          h('span', { class: 'loss-dot', style: `background:${lossColour(p.lossRatio)}` }),
          p.node
            ? `${p.receiver} → ${p.node.label} (${p.node.matched})`
            : `${p.receiver}: no node holds its addresses, and no FDB, ARP/ND or LLDP entry places it`,
        ),
      ),
    ),
  );
  if (placed.some((p) => p.node)) {
    section.append(box);
    // cytoscape is loaded with the first drawing, as on the topology screen.
    const { topologyCanvas } = await import('../topology/canvas.ts');
    requestAnimationFrame(() => {
      if (!box.isConnected) return;
      const canvas = topologyCanvas(box, graph);
      cleanups.push(() => canvas.destroy());
      for (const p of placed)
        if (p.node)
          canvas.cy.getElementById(p.node.id).style({
            'background-color': lossColour(p.lossRatio),
            'border-width': 3,
            'border-color': '#1d2b3a',
          });
      canvas.focus(placed.flatMap((p) => (p.node ? [p.node.id] : [])));
    });
  }
  return section;
}
