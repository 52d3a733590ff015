// Receivers placed on the discovered topology: a receiver's agent is matched to the node that holds
// one of the addresses the agent reports on its receiving interface (or the address it connects
// from). Pure; the panel colours the matched nodes by loss.
import type { Graph } from '@netspotter/shared/api';
import { bareAddress, nodeByAddress } from '../topology/graph.ts';

export interface ReceiverPlace {
  receiver: string;
  addresses: string[];
  lossRatio: number | null;
}

export interface Placement {
  receiver: string;
  lossRatio: number | null;
  node?: { id: string; label: string; matched: string };
}

export function placeReceivers(receivers: ReceiverPlace[], graph: Graph): Placement[] {
  const find = nodeByAddress(graph);
  return receivers.map((r) => {
    for (const a of r.addresses) {
      const node = find(a);
      if (node)
        return {
          receiver: r.receiver,
          lossRatio: r.lossRatio,
          node: { id: node.id, label: node.label, matched: bareAddress(a) },
        };
    }
    return { receiver: r.receiver, lossRatio: r.lossRatio };
  });
}
