// The address-alias manager's model: aliases grouped per agent by the addresses the agents report,
// with the automatic `$participant` / `$participant.mac` names the server resolves at run time.
import type { HostInterface } from '@netspotter/shared/agent-protocol';
import type { SequenceDoc } from './document.ts';
import { bareAddress } from '../topology/graph.ts';

/** An agent's interface as its host facts report it. */
export type AgentInterface = Pick<HostInterface, 'name' | 'mac' | 'addresses' | 'internal'>;
export interface AgentFacts {
  name: string;
  state: string;
  interfaces: AgentInterface[];
  /** The interfaces the agent's local policy lets jobs use; unset: any. */
  allowed?: string[];
}

const isLoopback = (i: AgentInterface) =>
  i.internal === true ||
  i.name === 'lo' ||
  (i.addresses.length > 0 && i.addresses.every((a) => /^(::1|127\.)/.test(bareAddress(a))));

/**
 * The interface a new participant on this agent starts with: one the agent's policy allows, and not
 * the loopback when another is allowed (tests between hosts go over a real link).
 */
export function defaultInterface(a: AgentFacts): string | undefined {
  const allowed = a.allowed?.length ? a.interfaces.filter((i) => a.allowed!.includes(i.name)) : a.interfaces;
  return (allowed.find((i) => !isLoopback(i)) ?? allowed[0] ?? a.interfaces[0])?.name ?? a.allowed?.[0];
}

export interface AliasEntry {
  name: string;
  value: string;
  /** Resolved by the server from a participant's interface; not stored in the definition. */
  automatic: boolean;
}

export interface AliasGroup {
  /** The agent's name, or undefined for aliases of addresses no agent reports. */
  agent?: string;
  interfaces: AgentInterface[];
  aliases: AliasEntry[];
}

/** The address `$participant` stands for: the interface's first global IPv6 address, else its first IPv6. */
export function participantAddress(iface: AgentInterface | undefined): string | undefined {
  const v6 = (iface?.addresses ?? []).map(bareAddress).filter((a) => a.includes(':'));
  return v6.find((a) => !a.startsWith('fe80')) ?? v6[0];
}

export function aliasGroups(doc: SequenceDoc, agents: AgentFacts[]): AliasGroup[] {
  const owner = (value: string) => {
    const v = value.toLowerCase();
    return agents.find((a) =>
      a.interfaces.some(
        (i) => i.mac?.toLowerCase() === v || i.addresses.some((x) => bareAddress(x) === bareAddress(v)),
      ),
    )?.name;
  };
  const groups: AliasGroup[] = agents.map((a) => ({ agent: a.name, interfaces: a.interfaces, aliases: [] }));
  const other: AliasGroup = { interfaces: [], aliases: [] };
  for (const p of doc.participants) {
    const agent = agents.find((a) => a.name === p.agent);
    const group = groups.find((g) => g.agent === p.agent);
    if (!agent || !group) continue;
    const iface = agent.interfaces.find((i) => i.name === p.interface);
    const addr = participantAddress(iface);
    if (addr) group.aliases.push({ name: p.name, value: addr, automatic: true });
    if (iface?.mac) group.aliases.push({ name: `${p.name}.mac`, value: iface.mac, automatic: true });
  }
  for (const [name, value] of doc.aliases) {
    const agent = owner(value);
    (groups.find((g) => g.agent === agent) ?? other).aliases.push({ name, value, automatic: false });
  }
  return other.aliases.length > 0 ? [...groups, other] : groups;
}

/** A problem with an alias name or value, checked as the user types (the API's own name rule). */
export function aliasProblem(doc: SequenceDoc, name: string, value: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(name)) return 'a letter, then up to 31 letters, digits, - or _';
  if (doc.participants.some((p) => p.name === name))
    return `"${name}" is a participant: $${name} already means its address`;
  if (!value.trim()) return 'give an address';
  if (value.length > 64) return 'at most 64 characters';
  return undefined;
}
