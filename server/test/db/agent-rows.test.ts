// Agents read by key without Prisma answer exactly what Prisma answers, whatever this process's time zone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentsWithKeys } from '../../src/agents/agent-rows.ts';
import { hashSecret } from '../../src/security/tokens.ts';
import { enrolAgent } from '../support/agent-calls.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('agents read by key', () => {
  let s: TestServer;
  const zone = process.env.TZ;
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true });
  });
  afterAll(async () => {
    process.env.TZ = zone;
    await s?.destroy();
  });

  it('match Prisma field for field, dates and all, in zones east and west of UTC', async () => {
    const [a, b] = [await enrolAgent(s, 'rows-a'), await enrolAgent(s, 'rows-b')];
    const { prisma } = s.ctx.db;
    await prisma.agent.update({
      where: { id: a.id },
      data: {
        lastSeenAt: new Date('2026-03-29T01:30:00.123Z'), // the night clocks go forward in Europe
        disconnectedAt: new Date('2026-12-06T23:59:59.999Z'),
        clockOffsetMs: -12.5,
        clockRttMs: 0.25,
        targetVersion: '0.2.0',
        updateState: 'downloading',
        updateMessage: 'fetching',
        updateRequestedAt: new Date('2026-01-01T00:00:00.000Z'),
        updateChangedAt: new Date('2026-01-01T00:00:01.500Z'),
        site: 'paris',
      },
    });
    const keys = [hashSecret(a.key), hashSecret(b.key), hashSecret('no such key')];
    const byPrisma = await prisma.agent.findMany({
      where: { keyHash: { in: keys } },
      orderBy: { name: 'asc' },
    });
    expect(byPrisma).toHaveLength(2);
    for (const tz of ['Asia/Kolkata', 'America/New_York', 'UTC']) {
      process.env.TZ = tz;
      const ours = (await agentsWithKeys(s.ctx.db, keys)).sort((x, y) => x.name.localeCompare(y.name));
      expect(ours, tz).toEqual(byPrisma);
    }
  });
});
