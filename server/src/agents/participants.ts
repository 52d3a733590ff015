// Binding plan participants to enrolled agents: by name (or id), checking the interface they name.
import { Value } from 'typebox/value';
import { AgentPolicySchema, HostFactsSchema, type AgentPolicy } from '@netspotter/shared/agent-protocol';
import type { Database } from '../db/connect.ts';
import { readJson } from '../db/json-column.ts';
import { badRequest } from '../domain-errors.ts';

export interface AgentInfo {
  id: string;
  name: string;
  interfaces: string[];
  /** Per interface: its MAC and addresses (for `$participant` aliases). */
  addresses: Record<string, { mac?: string; addresses: string[] }>;
  /** The agent's local policy as it reported it (none reported: no limits known). */
  policy: AgentPolicy;
}

export async function knownAgents(db: Database): Promise<AgentInfo[]> {
  const rows = await db.prisma.agent.findMany({ where: { disconnectedAt: null } });
  return rows.map((a) => {
    const facts = a.facts === null ? undefined : readJson(HostFactsSchema, a.facts, 'agent.facts');
    const ifs = facts?.interfaces ?? [];
    return {
      policy: Value.Check(AgentPolicySchema, facts?.policy) ? facts.policy : {},
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

/** The address an interface's traffic carries: its first global IPv6 address, else its first link-local one. */
export function interfaceAddress(agent: AgentInfo, ifname: string): string | undefined {
  const v6 = (agent.addresses[ifname]?.addresses ?? [])
    .map((a) => a.split('%')[0]!)
    .filter((a) => a.includes(':'));
  return v6.find((a) => !a.toLowerCase().startsWith('fe80')) ?? v6[0];
}
