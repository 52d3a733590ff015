// Every authenticated agent request counts as a heartbeat: it refreshes last-seen, and opens a new
// session (with a connect event in the audit log) when the agent was offline.
// 1,000 agents beat 200 times a second: the beats that arrive while the previous batch is with the
// database are written together, sessions and agents in one statement (group commit). Only a beat that
// opens a session — the agent was offline, or has none open — goes alone, audited.
import type { Config } from '../config/config.ts';
import type { Database } from '../db/connect.ts';
import { GroupCommit, perDatabase } from '../db/group-commit.ts';
import { toJson } from '../db/json-column.ts';
import type { HostFacts } from '@netspotter/shared/agent-protocol';
import type { Agent } from '../db/generated/client.ts';
import { audited } from '../services/audit.ts';

export interface Beat {
  /** The agent's heartbeat, rather than another of its requests (a lease, an upload). */
  heartbeat?: boolean;
  address: string;
  facts?: HostFacts;
  clock?: { offsetMs: number; rttMs: number };
}

interface Seen {
  agent: Agent;
  beat: Beat;
  at: Date;
}

/** One row per agent of a batch: its newest beat, with facts and clock from the newest that carried them. */
function rowsOf(batch: Seen[]) {
  const rows = new Map<string, Record<string, unknown>>();
  for (const { agent, beat, at } of batch) {
    const row = rows.get(agent.id) ?? { id: agent.id };
    Object.assign(row, {
      at,
      address: beat.address,
      version: beat.facts?.agentVersion ?? (row.version as string | undefined) ?? agent.version,
      ...(beat.facts && { facts: beat.facts, hostname: beat.facts.hostname }),
      ...(beat.clock && { clock_offset_ms: beat.clock.offsetMs, clock_rtt_ms: beat.clock.rttMs }),
    });
    rows.set(agent.id, row);
  }
  return [...rows.values()];
}

/**
 * The beats of agents that are not offline and have an open session: the session and the agent row
 * refreshed in one statement for the whole batch. Answers per beat whether it was written (false: it
 * opens a session). One batch at a time on PostgreSQL too: two batches holding the same agents' rows
 * lock them in their own orders and deadlock (seen: 142 beats answered 500 at 1,000 agents).
 */
const beatWriter = perDatabase(
  (db: Database) =>
    new GroupCommit<Seen, boolean>(async (batch) => {
      const written = await db.pool.query<{ id: string }>(
        `WITH v AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(id text, at timestamp(3), address text,
             version text, facts jsonb, hostname text, clock_offset_ms float8, clock_rtt_ms float8)
         ), s AS (
           UPDATE agent_sessions s SET last_seen_at = v.at, address = v.address
           FROM v, agents a
           WHERE s.agent_id = v.id AND s.ended_at IS NULL AND a.id = v.id AND a.state <> 'offline'
           RETURNING s.agent_id
         )
         UPDATE agents a SET state = 'online', last_seen_at = v.at, last_address = v.address,
           version = v.version, facts = COALESCE(v.facts, a.facts), hostname = COALESCE(v.hostname, a.hostname),
           clock_offset_ms = COALESCE(v.clock_offset_ms, a.clock_offset_ms),
           clock_rtt_ms = COALESCE(v.clock_rtt_ms, a.clock_rtt_ms), updated_at = v.at
         FROM v WHERE a.id = v.id AND a.id IN (SELECT agent_id FROM s)
         RETURNING a.id`,
        [JSON.stringify(rowsOf(batch))],
      );
      const done = new Set(written.map((r) => r.id));
      return batch.map((s) => done.has(s.agent.id));
    }),
);

/**
 * A request that brings nothing new — the agent online at the same address, no facts or clock — leaves the
 * row as it is while the row is fresh: written less than a heartbeat interval ago for a lease, an upload or
 * another request between beats (the agent's own beats keep the row fresh), less than half one for a
 * heartbeat (so a beat sent early never leaves the row two intervals behind). Written anyway, 200 uploads at
 * once queued about 100 agent rows' writes before their results (the agents whose beat was more than half an
 * interval old): about 10 ms of the embedded database's thread in a burst of about 200 ms. Last-seen times
 * stay well inside the three missed beats that make an agent suspect.
 */
function alreadySeen(config: Config, agent: Agent, beat: Beat, now: Date): boolean {
  const freshMs = (config.agentHeartbeatSeconds * 1000) / (beat.heartbeat ? 2 : 1);
  return (
    !beat.facts &&
    !beat.clock &&
    agent.state === 'online' &&
    agent.lastAddress === beat.address &&
    agent.lastSeenAt !== null &&
    now.getTime() - agent.lastSeenAt.getTime() < freshMs
  );
}

export async function recordBeat(db: Database, config: Config, agent: Agent, beat: Beat): Promise<void> {
  const now = new Date();
  if (alreadySeen(config, agent, beat, now)) return;
  if (agent.state !== 'offline' && (await beatWriter(db).submit({ agent, beat, at: now }))) return;
  const version = beat.facts?.agentVersion ?? agent.version;
  // A new session is audited: the session, its connect event and the agent's state commit together.
  await audited(db, { username: `agent:${agent.name}` }, async (tx, audit) => {
    const open = await tx.agentSession.findFirst({
      where: { agentId: agent.id, endedAt: null },
      orderBy: { startedAt: 'desc' },
    });
    if (open)
      await tx.agentSession.update({
        where: { id: open.id },
        data: { endedAt: agent.lastSeenAt ?? now, endReason: 'offline' },
      });
    await tx.agentSession.create({ data: { agentId: agent.id, address: beat.address, version } });
    await audit('connect', 'agent', agent.id, { address: beat.address, version });
    await tx.agent.update({
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
  });
}
