// Every authenticated agent request counts as a heartbeat: it refreshes last-seen, and opens a new
// session (with a connect event in the audit log) when the agent was offline.
import type { Config } from '../config/config.ts';
import type { Database } from '../db/connect.ts';
import { toJson } from '../db/json-column.ts';
import type { HostFacts } from '@netspotter/shared/agent-protocol';
import type { Agent } from '../db/generated/client.ts';
import { audited, type Tx } from '../services/audit.ts';

export interface Beat {
  address: string;
  facts?: HostFacts;
  clock?: { offsetMs: number; rttMs: number };
}

export async function recordBeat(db: Database, _config: Config, agent: Agent, beat: Beat): Promise<void> {
  const { prisma } = db;
  const now = new Date();
  const version = beat.facts?.agentVersion ?? agent.version;
  const seen = (client: Tx) =>
    client.agent.update({
      where: { id: agent.id },
      data: {
        state: 'online',
        lastSeenAt: now,
        lastAddress: beat.address,
        version,
        ...(beat.facts && { facts: toJson(beat.facts), hostname: beat.facts.hostname }),
        ...(beat.clock && { clockOffsetMs: beat.clock.offsetMs, clockRttMs: beat.clock.rttMs }),
      },
    });
  const open = await prisma.agentSession.findFirst({
    where: { agentId: agent.id, endedAt: null },
    orderBy: { startedAt: 'desc' },
  });
  if (open && agent.state !== 'offline') {
    await prisma.agentSession.update({
      where: { id: open.id },
      data: { lastSeenAt: now, address: beat.address },
    });
    await seen(prisma);
    return;
  }
  // A new session is audited: the session, its connect event and the agent's state commit together.
  await audited(db, { username: `agent:${agent.name}` }, async (tx, audit) => {
    if (open)
      await tx.agentSession.update({
        where: { id: open.id },
        data: { endedAt: agent.lastSeenAt ?? now, endReason: 'offline' },
      });
    await tx.agentSession.create({ data: { agentId: agent.id, address: beat.address, version } });
    await audit('connect', 'agent', agent.id, { address: beat.address, version });
    await seen(tx);
  });
}
