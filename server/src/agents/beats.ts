// Every authenticated agent request counts as a heartbeat: it refreshes last-seen, and opens a new
// session (with a connect event in the audit log) when the agent was offline.
import type { Config } from '../config/config.ts';
import type { Database } from '../db/connect.ts';
import { toJson } from '../db/json-column.ts';
import type { HostFacts } from '@netspotter/shared/agent-protocol';
import type { Agent } from '../db/generated/client.ts';
import { recordAudit } from '../services/audit.ts';

export interface Beat {
  address: string;
  facts?: HostFacts;
  clock?: { offsetMs: number; rttMs: number };
}

export async function recordBeat(db: Database, _config: Config, agent: Agent, beat: Beat): Promise<void> {
  const { prisma } = db;
  const now = new Date();
  const open = await prisma.agentSession.findFirst({
    where: { agentId: agent.id, endedAt: null },
    orderBy: { startedAt: 'desc' },
  });
  const version = beat.facts?.agentVersion ?? agent.version;
  if (open && agent.state !== 'offline') {
    await prisma.agentSession.update({
      where: { id: open.id },
      data: { lastSeenAt: now, address: beat.address },
    });
  } else {
    if (open)
      await prisma.agentSession.update({
        where: { id: open.id },
        data: { endedAt: agent.lastSeenAt ?? now, endReason: 'offline' },
      });
    await prisma.agentSession.create({ data: { agentId: agent.id, address: beat.address, version } });
    await recordAudit(db, { username: `agent:${agent.name}` }, 'connect', 'agent', agent.id, {
      address: beat.address,
      version,
    });
  }
  await prisma.agent.update({
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
}
