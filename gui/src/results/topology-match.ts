// Receivers placed on the discovered topology: a receiver's agent is matched to the node that holds
// one of the addresses the agent reports on its receiving interface (or the address it connects
// from). Pure; the panel colours the matched nodes by loss.
import type { Graph } from '@netspotter/shared';

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

const bare = (a: string) => a.split('%')[0]!.split('/')[0]!.toLowerCase();

export function placeReceivers(receivers: ReceiverPlace[], graph: Graph): Placement[] {
  const byAddress = new Map<string, { id: string; label: string }>();
  for (const n of graph.nodes)
    for (const a of n.addresses) byAddress.set(bare(a), { id: n.id, label: n.label });
  return receivers.map((r) => {
    for (const a of r.addresses) {
      const node = byAddress.get(bare(a));
      if (node) return { receiver: r.receiver, lossRatio: r.lossRatio, node: { ...node, matched: bare(a) } };
    }
    return { receiver: r.receiver, lossRatio: r.lossRatio };
  });
}
