// Binding plan participants to enrolled agents: by name (or id), checking the interface they name.
import { HostFactsSchema } from '@netspotter/shared/agent-protocol';
import type { Database } from '../db/connect.ts';
import { readJson } from '../db/json-column.ts';
import { badRequest } from '../domain-errors.ts';

export interface AgentInfo {
  id: string;
  name: string;
  interfaces: string[];
  /** Per interface: its MAC and addresses (for `$participant` aliases). */
  addresses: Record<string, { mac?: string; addresses: string[] }>;
}

export async function knownAgents(db: Database): Promise<AgentInfo[]> {
  const rows = await db.prisma.agent.findMany({ where: { disconnectedAt: null } });
  return rows.map((a) => {
    const ifs = a.facts === null ? [] : readJson(HostFactsSchema, a.facts, 'agent.facts').interfaces;
    return {
      id: a.id,
      name: a.name,
      interfaces: ifs.map((i) => i.name),
      addresses: Object.fromEntries(
        ifs.map((i) => [i.name, { ...(i.mac && { mac: i.mac }), addresses: i.addresses }]),
      ),
    };
  });
}

/** The agent a participant names, or a 400 naming the field (unknown agent, interface it lacks). */
export function bindAgent(agents: AgentInfo[], ref: string, ifname: string, field: string): AgentInfo {
  const agent = agents.find((a) => a.name === ref || a.id === ref);
  if (!agent)
    throw badRequest(
      `${field}.agent`,
      `unknown agent "${ref}" (enrolled: ${agents.map((a) => a.name).join(', ') || 'none'})`,
    );
  if (!agent.interfaces.includes(ifname)) {
    throw badRequest(
      `${field}.interface`,
      `agent "${agent.name}" has no interface "${ifname}" (it has: ${agent.interfaces.join(', ')})`,
    );
  }
  return agent;
}
