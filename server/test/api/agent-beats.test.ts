// Beats that arrive together are written together (group commit): the statement that refreshes many
// agents' sessions and rows keeps each agent's own values, and a beat that opens a session still goes
// alone, audited. A request that brings nothing new soon after a write leaves the row as it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowMs } from '@netspotter/shared/agent-protocol';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { enrolAgent, type TestAgent } from '../support/agent-calls.ts';

describe('agent beats written together', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true });
  });
  afterAll(() => s?.destroy());

  it('beats of many agents at once, written together while the database is busy: each agent keeps its own', async () => {
    const agents: TestAgent[] = [];
    for (let i = 0; i < 20; i++) agents.push(await enrolAgent(s, `many-${i}`));
    for (const a of agents) await a.beat(); // sessions open
    const { prisma } = s.ctx.db;
    // One agent the sweeper found offline meanwhile: its beat opens a new session, audited.
    await prisma.agent.update({ where: { id: agents[0]!.id }, data: { state: 'offline' } });
    const connects = () => prisma.auditEvent.count({ where: { entityId: agents[0]!.id, action: 'connect' } });
    const connectsBefore = await connects();
    const before = Date.now();
    // The database held for 300 ms: on PGlite's one connection the beats queue behind it and go in one
    // batch (on PostgreSQL, whose pool is not held, they go as they come).
    const busy = s.ctx.db.sql.query('SELECT pg_sleep(0.3)');
    const replies = await Promise.all(
      agents.map((a, i) =>
        a.call('/api/agent/heartbeat', { t0: nowMs(), clock: { offsetMs: i / 4, rttMs: 1 + i / 8 } }),
      ),
    );
    await busy;
    expect(replies.map((r) => r.statusCode)).toEqual(agents.map(() => 200));
    expect(replies.every((r) => r.json().stopJobs.length === 0)).toBe(true);
    const rows = await prisma.agent.findMany({
      where: { id: { in: agents.map((a) => a.id) } },
      include: { sessions: { orderBy: { startedAt: 'asc' } } },
    });
    for (const [i, a] of agents.entries()) {
      const row = rows.find((r) => r.id === a.id)!;
      expect(row).toMatchObject({ state: 'online', clockOffsetMs: i / 4, clockRttMs: 1 + i / 8 });
      expect(row.lastSeenAt!.getTime()).toBeGreaterThanOrEqual(before);
      const open = row.sessions.filter((x) => x.endedAt === null);
      expect(open).toHaveLength(1);
      expect(open[0]!.lastSeenAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(row.sessions).toHaveLength(i === 0 ? 2 : 1);
    }
    expect(await connects()).toBe(connectsBefore + 1);
  });

  it('a lease within a heartbeat interval of the last write leaves the agent row as it is, a beat within half of one; older, each refreshes it', async () => {
    const a = await enrolAgent(s, 'renewing');
    await a.beat();
    const { prisma } = s.ctx.db;
    const row = () => prisma.agent.findUniqueOrThrow({ where: { id: a.id } });
    const intervalMs = s.ctx.config.agentHeartbeatSeconds * 1000;
    /** The row as last written `agoMs` before now. */
    const writtenAgo = (agoMs: number) =>
      prisma.agent.update({ where: { id: a.id }, data: { lastSeenAt: new Date(Date.now() - agoMs) } });
    const lease = async () => expect((await a.call('/api/agent/lease', { waitMs: 0 })).statusCode).toBe(200);
    const beaten = await row();
    await lease();
    const renewed = await row();
    expect(renewed.updatedAt).toEqual(beaten.updatedAt);
    expect(renewed.lastSeenAt).toEqual(beaten.lastSeenAt);
    // Between beats, a request leaves a row written less than an interval ago alone.
    const kept = await writtenAgo(intervalMs * 0.9);
    await lease();
    expect((await row()).lastSeenAt).toEqual(kept.lastSeenAt);
    // A beat does not: half an interval is enough for it to write.
    let before = Date.now();
    await writtenAgo(intervalMs / 2);
    await a.beat();
    expect((await row()).lastSeenAt!.getTime()).toBeGreaterThanOrEqual(before);
    // Nor does a request once the row is an interval old.
    await writtenAgo(intervalMs);
    before = Date.now();
    await lease();
    expect((await row()).lastSeenAt!.getTime()).toBeGreaterThanOrEqual(before);
  });
});
