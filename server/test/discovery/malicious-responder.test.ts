// A misbehaving SNMP agent (a real UDP process, support/malicious-snmp.mjs) against discovery through
// the CLI and the API: the community it provokes net-snmp to quote never reaches a response, a log or
// the CLI output; garbage, truncated and wrongly typed answers are reported as malformed replies, not
// as timeouts.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { discoverCli } from './support/discover-cli.ts';

const RESPONDER = fileURLToPath(new URL('./support/malicious-snmp.mjs', import.meta.url));
const SECRET = 'c0mmunity-SECRET-evil';
const children: ChildProcess[] = [];

function responder(mode: string): Promise<number> {
  const child = spawn(process.execPath, [RESPONDER, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve) =>
    child.stdout!.once('data', (d) => resolve(Number(/port (\d+)/.exec(String(d))![1]))),
  );
}
afterAll(() => children.forEach((c) => c.kill()));

describe('a device that answers under another community', () => {
  let port: number;
  beforeAll(async () => {
    port = await responder('other-community');
  });

  it('the CLI never prints the community, in text or JSON, nor names targets by it', () => {
    const lines = [`127.0.0.1:${port} ${SECRET}`, `127.0.0.1:${port} ${SECRET}-2`];
    const text = discoverCli(lines, '--timeout', '300', '--retries', '0');
    const json = discoverCli(lines, '--json', '--timeout', '300', '--retries', '0');
    for (const out of [text, json]) expect(out.stdout + out.stderr).not.toContain(SECRET);
    const result = JSON.parse(json.stdout) as { unreachable: { target: string; reason: string }[] };
    expect(result.unreachable.map((u) => u.target)).toEqual([`127.0.0.1:${port} #1`, `127.0.0.1:${port} #2`]);
    // The device's own community is not ours to hide; ours is masked.
    expect(result.unreachable[0]!.reason).toContain(
      "Community '********' in request does not match community 'public-from-evil-device'",
    );
  });

  describe('through the API', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer();
    });
    afterAll(() => s?.destroy());

    it('neither the run, its report, the snapshot report nor the log carry the community', async () => {
      const auth = await s.as('operator');
      const api = async (method: 'GET' | 'POST', url: string, payload?: object) =>
        (await s.app.inject({ method, url, headers: auth, ...(payload && { payload }) })).body;
      const target = JSON.parse(
        await api('POST', '/api/targets', {
          address: '127.0.0.1',
          port,
          credential: { version: 'v2c', community: SECRET },
        }),
      );
      const task = JSON.parse(
        await api('POST', '/api/tasks', {
          name: 'evil',
          kind: 'discovery',
          args: { targetIds: [target.id], timeoutMs: 300, retries: 0 },
        }),
      );
      const run = JSON.parse(await api('POST', `/api/tasks/${task.id}/run`));
      let body = '';
      for (let i = 0; i < 100; i++) {
        body = await api('GET', `/api/runs/${run.id}`);
        if (!/"state":"(queued|running)"/.test(body)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(JSON.parse(body).state).toBe('succeeded');
      const snapshotId = JSON.parse(body).result.snapshotId as string;
      const report = await api('GET', `/api/snapshots/${snapshotId}/report`);
      const events = await api('GET', `/api/runs/${run.id}/events`);
      for (const text of [body, report, events, ...s.logs]) expect(text).not.toContain(SECRET);
      expect(report).toContain("Community '********' in request");
    });
  });
});

describe('malformed replies are not timeouts', () => {
  it.each(['garbage', 'truncated', 'wrong-type'])(
    '%s: reported as a malformed reply from a device that answered',
    async (mode) => {
      const port = await responder(mode);
      const r = discoverCli([`127.0.0.1:${port} public`], '--json', '--timeout', '300', '--retries', '1');
      const result = JSON.parse(r.stdout) as {
        unreachable: { reason: string }[];
        report: { status: string }[];
      };
      expect(result.report[0]!.status).toBe('malformed');
      // Undecodable datagrams end in a timeout that is reported as what it was; a reply that decodes into
      // the wrong thing (the truncated one) is named by what was wrong with it.
      expect(result.unreachable[0]!.reason).toMatch(
        mode === 'truncated'
          ? /^malformed reply: Requested OIDs do not match response OIDs/
          : /^malformed reply: the agent answered \(\d+ datagrams?\) but not with a valid SNMP response/,
      );
      expect(result.unreachable[0]!.reason).not.toContain('timeout');
    },
  );
});
