// Receivers placed on the discovered topology: a receiver's agent is matched to the node that holds
// one of the addresses the agent reports on its receiving interface (or the address it connects
// from); failing that, to the switch the server places it on from FDB, ARP/ND and LLDP evidence of its
// MAC and addresses. Pure; the panel colours the matched nodes by loss.
import type { Graph } from '@netspotter/shared/api';
import { bareAddress, nodeByAddress } from '../topology/graph.ts';

export interface ReceiverPlace {
  receiver: string;
  addresses: string[];
  lossRatio: number | null;
  /** Where the server places the agent (GET /api/multicast/agents): the device, its port and why. */
  attached?: { device: string; ifName?: string; evidence: string };
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
    const at = r.attached && graph.nodes.find((n) => n.id === r.attached!.device);
    if (at && r.attached)
      return {
        receiver: r.receiver,
        lossRatio: r.lossRatio,
        node: {
          id: at.id,
          label: at.label,
          matched: `${r.attached.evidence}${r.attached.ifName ? ` on ${r.attached.ifName}` : ''}`,
        },
      };
    return { receiver: r.receiver, lossRatio: r.lossRatio };
  });
}
