// What requests log at the default level (info): agents' routine requests nothing, their refusals a line,
// every other request its incoming and completed lines under its request id; a request's logger still
// carries that id and redacts secrets when it is used.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.ts';
import { LazyChild } from '../../src/http/request-logs.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { enrolAgent } from '../support/agent-calls.ts';

const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('request logs at info', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ logLevel: 'info', agentPlaintext: true });
  });
  afterAll(() => s.destroy());

  it('agents’ beats log nothing, a refused agent request one line, an API request its two lines', async () => {
    const agent = await enrolAgent(s, 'quiet-agent');
    const before = s.logs.length;
    for (let i = 0; i < 5; i++) await agent.beat();
    expect(s.logs.slice(before)).toEqual([]);

    const refused = await agent.upload('no-such-job', [{ kind: 'step', data: {} }]);
    expect(refused.statusCode).toBe(404);
    const refusal = parsed(s.logs.slice(before));
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toMatchObject({
      msg: 'agent request refused',
      reqId: refused.headers['x-request-id'],
      res: { statusCode: 404 },
      req: { method: 'POST', url: '/api/agent/jobs/no-such-job/results' },
    });
    expect(JSON.stringify(refusal)).not.toContain(agent.key);

    const mark = s.logs.length;
    const list = await s.app.inject({ method: 'GET', url: '/api/agents', headers: await s.as('viewer') });
    expect(list.statusCode).toBe(200);
    const lines = parsed(s.logs.slice(mark)).filter((l) => l.reqId === list.headers['x-request-id']);
    expect(lines.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
  });
});

describe('a request’s logger, made when first used', () => {
  const capture = (level: string) => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        cb();
      },
    });
    return { lines, logger: createLogger(level, sink) };
  };

  it('logs with its bindings, redacted, at the levels its parent enables', () => {
    const { lines, logger } = capture('info');
    const log = new LazyChild(logger, { reqId: 'req-1' });
    log.debug('not at info');
    expect(log.isLevelEnabled('debug')).toBe(false);
    log.warn({ password: 'hunter2', user: { token: 't0ken' } }, 'with secrets');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        reqId: 'req-1',
        msg: 'with secrets',
        password: '[redacted]',
        user: { token: '[redacted]' },
      }),
    ]);
  });

  it('keeps a level set on it, apart from its parent, and its bindings in its own children', () => {
    const { lines, logger } = capture('info');
    const log = new LazyChild(logger, { reqId: 'req-2' });
    log.level = 'debug';
    log.debug('now at debug');
    logger.debug('the parent stays at info');
    log.child({ step: 'lookup' }).info('from a child');
    expect(lines).toEqual([
      expect.objectContaining({ level: 20, reqId: 'req-2', msg: 'now at debug' }),
      expect.objectContaining({ level: 30, reqId: 'req-2', step: 'lookup', msg: 'from a child' }),
    ]);
    expect(log.level).toBe('debug');
    expect(logger.level).toBe('info');
  });
});
