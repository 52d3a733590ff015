// Alert rules, channels, alerts and incidents through the REST API, with real receivers: a monitor cell
// that goes lost fires an alert that reaches a signed webhook and a syslog listener over UDP and TCP, a
// failing webhook is retried (and a dead one given up) without holding the others back, and the repair
// resolves the alert and tells every channel. Bad input is a 4xx naming the field, writing nothing.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { enrolAgent, type TestAgent } from '../support/agent-calls.ts';
import { until } from '../support/until.ts';
import { meshSummary } from '../support/monitor-summaries.ts';
import { startSyslogListener, startWebhookReceiver } from '../support/alert-receivers.ts';

const HOOK_SECRET = 'hook-signing-secret';

describe('alerts API', () => {
  let s: TestServer;
  let admin: Record<string, string>;
  let op: Record<string, string>;
  let viewer: Record<string, string>;
  let agents: TestAgent[];
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let flaky: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let syslog: Awaited<ReturnType<typeof startSyslogListener>>;
  beforeAll(async () => {
    s = await startTestServer({
      agentPlaintext: true,
      alertRetryBaseMs: 50,
      alertAttempts: 3,
      // Offline after 6 missed beats: 6 s.
      agentHeartbeatSeconds: 1,
    });
    admin = await s.as('admin');
    op = await s.as('operator');
    viewer = await s.as('viewer');
    agents = [await enrolAgent(s, 'a1'), await enrolAgent(s, 'a2'), await enrolAgent(s, 'a3')];
    hook = await startWebhookReceiver();
    flaky = await startWebhookReceiver(2);
    syslog = await startSyslogListener();
  });
  afterAll(async () => {
    await s?.destroy();
    await hook?.close();
    await flaky?.close();
    await syslog?.close();
  });

  const inject = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    headers: object,
    payload?: object,
  ) => s.app.inject({ method, url, headers: headers as Record<string, string>, ...(payload && { payload }) });
  const written = async () => {
    const p = s.ctx.db.prisma;
    return (await p.alertRule.count()) + (await p.alertChannel.count());
  };

  it('refuses bad rules and channels with a 4xx naming the field, writing nothing', async () => {
    const before = await written();
    const cases: [string, object, string][] = [
      ['/api/alert-rules', { name: 'x', kinds: ['cell-state'], colour: 'red' }, 'colour'],
      ['/api/alert-rules', { name: 'x', kinds: ['cell-state'], forSeconds: -1 }, 'forSeconds'],
      ['/api/alert-rules', { name: 'x', kinds: ['nonsense'] }, 'kinds[0]'],
      ['/api/alert-rules', { name: 'x', kinds: ['agent-offline'], states: ['lost'] }, 'states'],
      ['/api/alert-rules', { name: 'x', kinds: ['cell-state'], channelIds: ['nope'] }, 'channelIds[0]'],
      ['/api/alert-rules', { name: 'x', kinds: ['cell-state'], monitorId: 'nope' }, 'monitorId'],
      [
        '/api/alert-channels',
        { name: 'h', kind: 'webhook', webhook: { url: 'ftp://example.com/hook' } },
        'webhook.url',
      ],
      [
        '/api/alert-channels',
        { name: 'h', kind: 'webhook', webhook: { url: 'file:///etc/passwd' } },
        'webhook.url',
      ],
      [
        '/api/alert-channels',
        { name: 'h', kind: 'webhook', webhook: { url: 'not a url at all' } },
        'webhook.url',
      ],
      ['/api/alert-channels', { name: 'h', kind: 'webhook' }, 'webhook'],
      [
        '/api/alert-channels',
        { name: 'h', kind: 'webhook', webhook: { url: 'https://example.com/' }, syslog: { host: 'x' } },
        'syslog',
      ],
      [
        '/api/alert-channels',
        { name: 'h', kind: 'syslog', syslog: { host: 'no-such-host.invalid' } },
        'syslog.host',
      ],
      [
        '/api/alert-channels',
        { name: 'h', kind: 'syslog', syslog: { host: '127.0.0.1', ca: 'x' } },
        'syslog.ca',
      ],
      [
        '/api/alert-channels',
        { name: 'h', kind: 'syslog', syslog: { host: '127.0.0.1', port: 70_000 } },
        'syslog.port',
      ],
    ];
    for (const [url, payload, field] of cases) {
      const res = await inject('POST', url, admin, payload);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(res.json().field, res.body).toBe(field);
    }
    expect(
      (
        await inject('POST', '/api/alert-channels', op, {
          name: 'h',
          kind: 'syslog',
          syslog: { host: '127.0.0.1' },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await inject('POST', '/api/alert-rules', viewer, { name: 'x', kinds: ['cell-state'] })).statusCode,
    ).toBe(403);
    expect(await written()).toBe(before);
  });

  const channelIds: string[] = [];
  it('creates channels, masking secrets in webhook URLs in answers and logs', async () => {
    const secretUrl =
      'https://hooks.example.com/services/T0123456789ABCDEF/B0123456789ABCDEF?token=s3cr3t-t0ken&x=1';
    const make = async (payload: object) => {
      const res = await inject('POST', '/api/alert-channels', admin, payload);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const masked = await make({
      name: 'masked',
      kind: 'webhook',
      enabled: false,
      webhook: { url: secretUrl, secret: HOOK_SECRET },
    });
    expect(masked.webhook).toEqual({
      url: 'https://hooks.example.com/services/***/***?token=***&x=***',
      signed: true,
    });
    const main = await make({
      name: 'hook',
      kind: 'webhook',
      webhook: { url: hook.url, secret: HOOK_SECRET },
    });
    const retried = await make({ name: 'flaky', kind: 'webhook', webhook: { url: flaky.url } });
    // Nothing listens there: every try fails and the channel is given up, the others unaffected.
    const dead = await make({ name: 'dead', kind: 'webhook', webhook: { url: 'http://127.0.0.1:9/hook' } });
    const udp = await make({
      name: 'udp',
      kind: 'syslog',
      syslog: { host: '127.0.0.1', port: syslog.udpPort, facility: 'local3' },
    });
    const tcp = await make({
      name: 'tcp',
      kind: 'syslog',
      syslog: { host: 'localhost', port: syslog.tcpPort, transport: 'tcp' },
    });
    expect(udp.syslog).toEqual({
      host: '127.0.0.1',
      port: syslog.udpPort,
      transport: 'udp',
      facility: 'local3',
    });
    channelIds.push(main.id, retried.id, dead.id, udp.id, tcp.id);
    const list = (await inject('GET', '/api/alert-channels', viewer)).json();
    expect(list).toHaveLength(6);
    const text = JSON.stringify(list) + s.logs.join('\n');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('T0123456789ABCDEF');
    expect(text).not.toContain(HOOK_SECRET);
  });

  let monitorId = '';
  let groupId = '';
  let ruleId = '';
  const upload = async (start: number, lossFrom?: string) => {
    for (const a of agents) {
      const summary = meshSummary(
        { monitorId, groupId },
        agents,
        a,
        start,
        a.name === 'a3' ? lossFrom : undefined,
      );
      const r = await a.call('/api/agent/monitors/summaries', { summaries: [summary] });
      expect(r.statusCode, r.body).toBe(200);
    }
  };
  /**
   * A lossy interval right after a clean one: a receiver's first interval after a gap in its summaries
   * is not judged lost for sources it has not heard yet (the next interval decides).
   */
  const uploadLoss = async (start: number, lossFrom: string) => {
    await upload(start - 1000);
    await upload(start, lossFrom);
  };
  const alerts = async () => (await inject('GET', '/api/alerts', viewer)).json() as Record<string, unknown>[];

  it('fires an alert when a cell goes lost, to every channel, retrying the flaky one and giving up the dead one', async () => {
    const m = await inject('POST', '/api/monitors', op, {
      name: 'mesh',
      participants: ['a1', 'a2', 'a3'].map((agent) => ({ agent, interface: 'eth0' })),
      groups: [{ mode: 'asm', group: 'ff0e::db8:14', port: 10_014 }],
      intervalSeconds: 1,
      beaconPps: 2,
    });
    expect(m.statusCode, m.body).toBe(201);
    monitorId = m.json().id;
    groupId = m.json().groups[0].id;
    const rule = await inject('POST', '/api/alert-rules', op, {
      name: 'mesh lost',
      kinds: ['cell-state'],
      states: ['lost'],
      monitorId,
      severity: 'critical',
      channelIds,
    });
    expect(rule.statusCode, rule.body).toBe(201);
    ruleId = rule.json().id;
    expect(rule.json()).toMatchObject({ forSeconds: 0, enabled: true, states: ['lost'] });

    const now = Math.floor(Date.now() / 1000) * 1000;
    await upload(now - 2000);
    await upload(now - 1000);
    const cleared = async () =>
      (await inject('GET', `/api/events?kind=cell-state&monitorId=${monitorId}`, viewer))
        .json()
        .filter((e: { condition: string }) => e.condition === 'cleared').length;
    expect(await until(cleared, (n) => n === 6, 10_000)).toBe(6);
    await upload(now, 'a1');
    const firing = await until(alerts, (a) => a.some((x) => x.state === 'firing'), 10_000);
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({
      ruleName: 'mesh lost',
      severity: 'critical',
      kind: 'cell-state',
      state: 'firing',
      suppressedBy: null,
    });
    expect(firing[0]!.summary).toMatch(/a1 → a3: ok → lost/);

    await until(
      async () => hook.calls.length + syslog.udp.length + syslog.tcp.length + flaky.calls.length,
      (n) => n >= 4,
      10_000,
    );
    const call = hook.calls[0]!;
    const body = JSON.parse(call.body);
    expect(body).toMatchObject({ type: 'alert.fired', alert: { id: firing[0]!.id, state: 'firing' } });
    const ts = call.headers['x-netspotter-timestamp'] as string;
    const expected = `sha256=${createHmac('sha256', HOOK_SECRET).update(`${ts}.${call.body}`).digest('hex')}`;
    expect(call.headers['x-netspotter-signature']).toBe(expected);
    // local3 (19) * 8 + error (3) for a critical alert... critical is 2: 154.
    expect(syslog.udp[0]).toMatch(
      /^<154>1 \S+Z \S+ netspotter - ALERT-FIRING \[netspotter@32473 alert="[^"]+" incident="[^"]+" rule="mesh lost" kind="cell-state"/,
    );
    // daemon (3) * 8 + 2.
    expect(syslog.tcp[0]).toMatch(
      /^<26>1 .* ALERT-FIRING .*FIRING critical mesh lost: mesh ff0e::db8:14 a1 → a3: ok → lost/,
    );
    // The flaky hook answered 503 twice, then took it; the dead one was given up after 3 tries.
    expect(flaky.tries).toBe(3);
    expect(JSON.parse(flaky.calls[0]!.body).type).toBe('alert.fired');
    const dead = await until(
      async () => s.logs.filter((l) => l.includes('given up')),
      (l) => l.length >= 1,
      5000,
    );
    expect(dead[0]).toContain('"channel":"dead"');
    expect(s.logs.filter((l) => l.includes('"channel":"flaky"') && l.includes('retrying'))).toHaveLength(2);
  });

  it('resolves the alert when the cell recovers and tells every channel; the incident holds the timeline', async () => {
    const next = Math.floor(Date.now() / 1000) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, next + 1000 - Date.now() + 50)));
    await upload(next);
    const done = await until(alerts, (a) => a[0]?.state === 'resolved', 10_000);
    expect(done[0]).toMatchObject({ state: 'resolved', resolvedBy: 'cleared' });
    await until(
      async () => hook.calls.length + syslog.udp.length + syslog.tcp.length,
      (n) => n >= 6,
      10_000,
    );
    expect(JSON.parse(hook.calls[1]!.body)).toMatchObject({
      type: 'alert.resolved',
      alert: { state: 'resolved' },
    });
    expect(syslog.udp[1]).toMatch(/^<157>1 .* ALERT-RESOLVED /);
    expect(syslog.tcp[1]).toMatch(/ALERT-RESOLVED/);

    const incident = (await inject('GET', `/api/incidents/${done[0]!.incidentId}`, viewer)).json();
    expect(incident.closedAt).not.toBeNull();
    expect(incident.affectedCells).toEqual([expect.objectContaining({ monitorId, state: 'lost' })]);
    const whats = incident.timeline.map((t: { what: string }) => t.what);
    expect(whats[0]).toMatch(/ok → lost/);
    expect(whats).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^fired: mesh lost \(critical\)/),
        expect.stringMatching(/lost → ok/),
      ]),
    );
    expect(whats.at(-1)).toBe('resolved: the condition cleared');

    const events = (await inject('GET', `/api/events?kind=cell-state&monitorId=${monitorId}`, viewer)).json();
    expect(events.map((e: { condition: string }) => e.condition)).toEqual(
      expect.arrayContaining(['raised', 'cleared']),
    );
    const badQuery = await inject('GET', '/api/events?kind=bogus', viewer);
    expect(badQuery.statusCode).toBe(400);
  });

  it('acknowledges and resolves by hand (audited); a disabled rule fires nothing', async () => {
    const start = Math.floor(Date.now() / 1000) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, start + 1000 - Date.now() + 50)));
    await uploadLoss(start, 'a2');
    const firing = await until(alerts, (a) => a.filter((x) => x.state === 'firing').length === 1, 30_000);
    const id = firing.find((x) => x.state === 'firing')!.id as string;
    const ack = await inject('POST', `/api/alerts/${id}/acknowledge`, op);
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ acknowledgedBy: 'operator-user', state: 'firing' });
    expect((await inject('POST', `/api/alerts/${id}/acknowledge`, op)).statusCode).toBe(409);
    expect((await inject('POST', `/api/alerts/${id}/resolve`, viewer)).statusCode).toBe(403);
    const res = await inject('POST', `/api/alerts/${id}/resolve`, op);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'resolved', resolvedBy: 'operator-user' });
    expect((await inject('POST', `/api/alerts/${id}/resolve`, op)).statusCode).toBe(409);
    expect((await inject('POST', '/api/alerts/nope/resolve', op)).statusCode).toBe(404);
    const audit = (await inject('GET', '/api/audit', admin)).json();
    const actions = ((audit.items ?? audit) as { action: string; entity: string }[])
      .filter((e) => e.entity === 'alert')
      .map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['acknowledge', 'resolve']));
    const incident = (await inject('GET', `/api/incidents/${res.json().incidentId}`, viewer)).json();
    expect(incident.timeline.map((t: { what: string }) => t.what)).toEqual(
      expect.arrayContaining(['acknowledged by operator-user', 'resolved by operator-user']),
    );

    // Disabling the rule: a new loss fires nothing.
    const off = await inject('PATCH', `/api/alert-rules/${ruleId}`, op, { enabled: false });
    expect(off.statusCode, off.body).toBe(200);
    const count = (await alerts()).length;
    const later = Math.floor(Date.now() / 1000) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, later + 1000 - Date.now() + 50)));
    await uploadLoss(later, 'a1');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await alerts()).length).toBe(count);
  });

  it('fires when an agent goes offline and resolves when it beats again', async () => {
    const a1 = agents[0]!;
    await a1.beat();
    // a1 may have gone offline and come back during earlier tests on a loaded machine: count from here.
    const since = Date.now();
    const rule = await inject('POST', '/api/alert-rules', op, {
      name: 'a1 down',
      kinds: ['agent-offline'],
      agentId: a1.id,
      severity: 'warning',
      channelIds: [channelIds[0]],
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const hooked = hook.calls.length;
    const down = await until(
      alerts,
      (a) => a.some((x) => x.ruleName === 'a1 down' && x.state === 'firing'),
      20_000,
      250,
    );
    expect(down.find((x) => x.ruleName === 'a1 down')).toMatchObject({
      kind: 'agent-offline',
      subject: `agent:${a1.id}`,
      summary: 'agent a1 went offline',
    });
    await a1.beat();
    const back = await until(
      alerts,
      (a) => a.find((x) => x.ruleName === 'a1 down')?.state === 'resolved',
      10_000,
    );
    expect(back.find((x) => x.ruleName === 'a1 down')).toMatchObject({ resolvedBy: 'cleared' });
    const sent = await until(
      async () => hook.calls.slice(hooked).map((c) => JSON.parse(c.body).type),
      (t) => t.length >= 2,
      5000,
    );
    expect(sent).toEqual(['alert.fired', 'alert.resolved']);
    const events = (
      await inject('GET', `/api/events?kind=agent-offline&subject=agent:${a1.id}`, viewer)
    ).json();
    expect(
      events
        .filter((e: { at: string }) => Date.parse(e.at) >= since)
        .map((e: { condition: string }) => e.condition),
    ).toEqual(['cleared', 'raised']);
  });
});
