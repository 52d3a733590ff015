// Monitors through the REST API and the agent protocol: definitions checked against agents and their
// policies (4xx naming the field, nothing written), audited, handed to agents with their heartbeat, and
// summaries turned into the live matrix, state-change events, a series and /metrics.
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorSummary, SourceFigures } from '@netspotter/shared/agent-protocol';
import { MATRIX_FIELDS, matrixCells, type Matrix } from '@netspotter/shared/api';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { enrolAgent, type TestAgent } from '../support/agent-calls.ts';
import { until } from '../support/until.ts';
import { meshSummary } from '../support/monitor-summaries.ts';

describe('monitors API', () => {
  let s: TestServer;
  let op: Record<string, string>;
  let viewer: Record<string, string>;
  let agents: TestAgent[];
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true, metricsToken: 'metrics-token-0123456789' });
    op = await s.as('operator');
    viewer = await s.as('viewer');
    agents = [
      await enrolAgent(s, 'm1', ['eth0', 'eth1'], { interfaces: ['eth0'], maxBeaconPps: 5 }),
      await enrolAgent(s, 'm2', ['eth0']),
      await enrolAgent(s, 'm3', ['eth0']),
    ];
  });
  afterAll(() => s?.destroy());

  const body = (over: Record<string, unknown> = {}) => ({
    name: 'mesh',
    participants: ['m1', 'm2', 'm3'].map((agent) => ({ agent, interface: 'eth0' })),
    groups: [{ mode: 'asm', group: 'ff0e::db8:1', port: 10_001 }],
    intervalSeconds: 1,
    beaconPps: 2,
    ...over,
  });
  const post = (payload: object) =>
    s.app.inject({ method: 'POST', url: '/api/monitors', headers: op, payload });
  const count = async () =>
    (await s.ctx.db.prisma.monitor.count()) + (await s.ctx.db.prisma.monitorParticipant.count());

  it('refuses bad definitions with a 4xx naming the field, writing nothing', async () => {
    const before = await count();
    const cases: [object, number, string][] = [
      [body({ participants: [{ agent: 'nobody', interface: 'eth0' }] }), 400, 'participants[0].agent'],
      [
        body({
          participants: [
            { agent: 'm1', interface: 'eth1' },
            { agent: 'm2', interface: 'eth0' },
          ],
        }),
        400,
        'participants[0].interface',
      ],
      [body({ groups: [{ mode: 'ssm', group: 'ff3e::db8:2', source: '$nobody' }] }), 400, 'groups[0].source'],
      [body({ groups: [{ mode: 'ssm', group: 'ff3e::db8:2', source: 'ff0e::1' }] }), 400, 'groups[0].source'],
      [body({ groups: [{ mode: 'asm', group: '2001:db8::1' }] }), 400, 'groups[0].group'],
      [body({ groups: [{ mode: 'asm', group: 'ff3e::db8:2' }] }), 400, 'groups[0].group'],
      [body({ beaconPps: 6 }), 400, 'beaconPps'],
      [
        body({
          groups: [
            { mode: 'asm', group: 'ff0e::db8:1', port: 10_001 },
            { mode: 'asm', group: 'ff0e::db8:1', port: 10_001 },
          ],
        }),
        400,
        'groups[1].group',
      ],
      [body({ intervalSeconds: 0 }), 400, 'intervalSeconds'],
    ];
    for (const [payload, status, field] of cases) {
      const res = await post(payload);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(status);
      expect(res.json()).toMatchObject({ field });
      expect(res.json().message).toEqual(expect.any(String));
    }
    expect(await count()).toBe(before);
    const anonymous = await s.app.inject({ method: 'POST', url: '/api/monitors', payload: body() });
    expect(anonymous.statusCode).toBe(401);
    const byViewer = await s.app.inject({
      method: 'POST',
      url: '/api/monitors',
      headers: viewer,
      payload: body(),
    });
    expect(byViewer.statusCode).toBe(403);
    expect(await count()).toBe(before);
  });

  let monitorId = '';
  let groupId = '';
  it('creates a full-mesh monitor, audits it, refuses an overlapping one, and hands agents their assignments', async () => {
    const res = await post(body());
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json();
    monitorId = m.id;
    groupId = m.groups[0].id;
    expect(m.participants.map((p: { role: string }) => p.role)).toEqual(['both', 'both', 'both']);
    expect(m).toMatchObject({ state: 'running', beaconPps: 2, intervalSeconds: 1 });

    const overlap = await post(body({ name: 'other' }));
    expect(overlap.statusCode).toBe(409);
    expect(overlap.json().field).toBe('groups[0].group');

    const audit = (
      await s.app.inject({ method: 'GET', url: '/api/audit', headers: await s.as('admin') })
    ).json();
    const events = (audit.items ?? audit) as { action: string; entity: string; entityId: string }[];
    expect(events).toContainEqual(
      expect.objectContaining({ action: 'create', entity: 'monitor', entityId: m.id }),
    );

    const beat = await agents[1]!.call('/api/agent/heartbeat', { t0: Date.now() });
    const a = beat.json().monitors;
    expect(a.assignments).toHaveLength(1);
    const assignment = a.assignments[0];
    expect(assignment).toMatchObject({ monitorId: m.id, interface: 'eth0', intervalMs: 1000, beaconPps: 2 });
    expect(assignment.key).toEqual(expect.any(String));
    expect(assignment.groups[0]).toMatchObject({
      group: 'ff0e::db8:1',
      port: 10_001,
      send: true,
      receive: true,
      joined: true,
    });
    // A receiver expects every other sender (its own beacons do not count).
    expect(assignment.groups[0].senders.map((x: { name: string }) => x.name).sort()).toEqual(['m1', 'm3']);
    // The same revision again: nothing to send.
    const again = await agents[1]!.call('/api/agent/heartbeat', {
      t0: Date.now(),
      monitorRevision: a.revision,
    });
    expect(again.json().monitors).toBeUndefined();
  });

  const summary = (agent: TestAgent, start: number, lossFrom?: string): MonitorSummary =>
    meshSummary({ monitorId, groupId }, agents, agent, start, lossFrom);
  const matrix = async () =>
    (
      await s.app.inject({ method: 'GET', url: `/api/monitors/${monitorId}/matrix`, headers: viewer })
    ).json<Matrix>();
  const states = (mx: Matrix) => {
    const g = mx.groups[0]!;
    return Object.fromEntries(
      matrixCells(g).map((c) => [
        `${g.sources[c.source!]!.name}>${g.receivers[c.receiver!]!.name}`,
        mx.states[c.state!],
      ]),
    );
  };

  it('turns summaries into a matrix of ok cells, a lost cell and state-change events; replays store nothing twice', async () => {
    const upload = async (start: number, lossFrom?: string) => {
      for (const a of agents) {
        const r = await a.call('/api/agent/monitors/summaries', {
          summaries: [summary(a, start, a.name === 'm3' ? lossFrom : undefined)],
        });
        expect(r.statusCode, r.body).toBe(200);
      }
    };
    const now = Math.floor(Date.now() / 1000) * 1000;
    await upload(now - 2000);
    await upload(now - 1000);
    const ok = await until(
      matrix,
      (mx) => Object.values(states(mx)).filter((x) => x === 'ok').length === 6,
      5000,
    );
    expect(states(ok)).toEqual({
      'm2>m1': 'ok',
      'm3>m1': 'ok',
      'm1>m2': 'ok',
      'm3>m2': 'ok',
      'm1>m3': 'ok',
      'm2>m3': 'ok',
    });
    expect(matrixCells(ok.groups[0]!).every((c) => c.hops === 0 && c.delayP50Ms === 0.2)).toBe(true);
    // Cells travel as columns; a field no cell has (no join latency was reported) is one null.
    expect(ok.groups[0]!.size).toBe(6);
    expect(ok.groups[0]!.columns[MATRIX_FIELDS.indexOf('joinLatencyMs')]).toBeNull();
    // Gzip for clients that accept it (browsers do): the same document.
    const zipped = await s.app.inject({
      method: 'GET',
      url: `/api/monitors/${monitorId}/matrix`,
      headers: { ...viewer, 'accept-encoding': 'gzip, deflate' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const unzipped = JSON.parse(gunzipSync(zipped.rawPayload).toString()) as Matrix;
    expect(states(unzipped)).toEqual(states(ok));

    // m1's beacons stop reaching m3 for an interval: exactly that cell turns lost.
    await upload(now, 'm1');
    const lost = await until(matrix, (mx) => states(mx)['m1>m3'] === 'lost', 5000);
    expect(Object.entries(states(lost)).filter(([, v]) => v !== 'ok')).toEqual([['m1>m3', 'lost']]);

    const replay = await agents[0]!.call('/api/agent/monitors/summaries', {
      summaries: [summary(agents[0]!, now)],
    });
    expect(replay.json()).toMatchObject({ stored: 0, duplicates: 1 });
    const offGrid = { ...summary(agents[0]!, now), intervalStart: now + 500 };
    const future = summary(agents[0]!, now + 60_000);
    const odd = await agents[0]!.call('/api/agent/monitors/summaries', { summaries: [offGrid, future] });
    expect(odd.json()).toMatchObject({ stored: 0, ignored: 2 });

    const events = (
      await s.app.inject({
        method: 'GET',
        url: `/api/monitors/${monitorId}/events?receiver=m3`,
        headers: viewer,
      })
    ).json() as { to: string; source: string }[];
    expect(events.map((e) => e.to)).toContain('lost');

    const badSeries = await s.app.inject({
      method: 'GET',
      url: `/api/monitors/${monitorId}/series?group=${groupId}&source=m1&receiver=m3&from=yesterday&to=now&step=10`,
      headers: viewer,
    });
    expect(badSeries.statusCode).toBe(400);
    expect(badSeries.json().field).toBe('from');
    const series = await s.app.inject({
      method: 'GET',
      url: `/api/monitors/${monitorId}/series?group=${groupId}&source=m1&receiver=m3&from=${new Date(now - 5000).toISOString()}&to=${new Date(now + 2000).toISOString()}&step=1`,
      headers: viewer,
    });
    expect(series.statusCode, series.body).toBe(200);
    const sr = series.json();
    expect(sr.tier).toBe('raw');
    expect(sr.series.lost).toEqual(expect.arrayContaining([0, 2]));

    const metrics = await s.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/netspotter_monitor_loss_ratio\{[^}]*receiver="m3"[^}]*\} 1/);
    const outside = await s.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '192.0.2.9' });
    expect(outside.statusCode).toBe(403);
    const byToken = await s.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '192.0.2.9',
      headers: { authorization: `Bearer ${s.config.metricsToken}` },
    });
    expect(byToken.statusCode).toBe(200);
    const wrongToken = await s.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '192.0.2.9',
      headers: { authorization: 'Bearer not-the-metrics-token' },
    });
    expect(wrongToken.statusCode).toBe(401);
    expect(wrongToken.body).not.toContain(s.config.metricsToken);
    // The Grafana dashboard reads only metrics the server exports.
    const dashboard = readFileSync(
      new URL('../../../deploy/grafana/netspotter-monitors.json', import.meta.url),
      'utf8',
    );
    const used = new Set(dashboard.match(/netspotter_[a-z_]+/g));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(metrics.body, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
  });

  it('`netspotter monitor status` judges the monitor through the API: exit 1 with the lost cell named, 2 for an unknown monitor', async () => {
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const address = s.app.server.address() as { port: number };
    const admin = await s.as('admin');
    const created = await s.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: admin,
      payload: { username: 'viewer-user', name: 'status check' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const bin = fileURLToPath(new URL('../../../bin/netspotter.js', import.meta.url));
    // Asynchronously: the server answering it runs in this process.
    const status = (...args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [bin, 'monitor', 'status', ...args, '--url', `http://127.0.0.1:${address.port}`],
          {
            env: {
              ...process.env,
              NETSPOTTER_DATA_DIR: s.config.dataDir,
              NETSPOTTER_TOKEN: created.json().token,
            },
            timeout: 60_000,
          },
          (err, stdout, stderr) => resolve({ status: err ? Number(err.code) : 0, stdout, stderr }),
        ),
      );
    // At once: each run starts a Node process (seconds on a loaded machine), and the cells turn stale
    // when the newest summary is older than the stale deadline.
    const [json, text, unknown] = await Promise.all([
      status('mesh', '--json'),
      status('mesh'),
      status('nope'),
    ]);
    expect(json.status, json.stderr).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ healthy: false, monitor: 'mesh', state: 'running' });
    expect(report.problems).toEqual([
      expect.objectContaining({ source: 'm1', receiver: 'm3', state: 'lost', lossRatio: 1 }),
    ]);
    expect(text.stdout).toContain('m1 -> m3: lost');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('404');
  }, 120_000);

  it('stores loss 1 for intervals in which a receiver heard nothing from a sender it had heard, so the series shows the loss, not a gap', async () => {
    const m3 = agents.find((a) => a.name === 'm3')!;
    const senders = agents.filter((a) => a !== m3);
    // Past intervals (the live view's newest stay as they are), as the agent reports them: m3 hears m1
    // and m2, then nothing of m1 for two intervals (received 0, lost 0: the agent learns of lost sequence
    // numbers only from later ones), then m1 again. In the first of those, m2's figures come without an
    // epoch, as from an agent that has not heard m2 since it started: no loss is claimed for it.
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 30_000;
    const nothing = (source: string) => ({ source, received: 0, lost: 0, duplicates: 0, reordered: 0 });
    const silent = (start: number, noEpoch?: string): MonitorSummary => {
      const x = summary(m3, start);
      return {
        ...x,
        received: x.received!.map((g) => ({
          ...g,
          sources: g.sources.map((f) =>
            f.source === senders[0]!.id
              ? { ...nothing(f.source), epoch: 1 }
              : f.source === noEpoch
                ? nothing(f.source)
                : f,
          ),
        })),
      };
    };
    const upload = async (a: TestAgent, ...summaries: MonitorSummary[]) =>
      expect((await a.call('/api/agent/monitors/summaries', { summaries })).json()).toMatchObject({
        stored: summaries.length,
      });
    // The senders' summaries of the first silent interval come before the receiver's, of the second after it.
    for (const a of senders) await upload(a, summary(a, t0), summary(a, t0 + 1000));
    await upload(
      m3,
      summary(m3, t0),
      silent(t0 + 1000, senders[1]!.id),
      silent(t0 + 2000),
      summary(m3, t0 + 3000),
    );
    for (const a of senders) await upload(a, summary(a, t0 + 2000), summary(a, t0 + 3000));
    const series = async (source: string) => {
      const q = `group=${groupId}&source=${source}&receiver=m3&from=${new Date(t0).toISOString()}&to=${new Date(t0 + 4000).toISOString()}&step=1`;
      const r = await s.app.inject({
        method: 'GET',
        url: `/api/monitors/${monitorId}/series?${q}`,
        headers: viewer,
      });
      expect(r.statusCode, r.body).toBe(200);
      return r.json().series as {
        lossRatio: (number | null)[];
        lost: (number | null)[];
        received: (number | null)[];
      };
    };
    // m1 sent 2 beacons an interval.
    expect(await series('m1')).toMatchObject({
      lossRatio: [0, 1, 1, 0],
      lost: [0, 2, 2, 0],
      received: [2, 0, 0, 2],
    });
    expect(await series('m2')).toMatchObject({ lossRatio: [0, null, 0, 0], lost: [0, 0, 0, 0] });
  });

  it('judges each interval of summaries that arrive together: a one-interval outage between them is an event, dated by its interval', async () => {
    // Intervals newer than any stored so far, and all over (the server ignores intervals not yet begun).
    const t0 = Math.floor(Date.now() / 1000) * 1000 + 1000;
    await new Promise((r) => setTimeout(r, t0 + 2100 - Date.now()));
    for (const a of agents) await a.call('/api/agent/monitors/summaries', { summaries: [summary(a, t0)] });
    const allOk = await until(matrix, (mx) => Object.values(states(mx)).every((x) => x === 'ok'), 5000);
    expect(Object.values(states(allOk))).toEqual(Array(6).fill('ok'));
    // Held up (an upload that waited, say): each agent's next two intervals in one upload. m3 heard nothing
    // of m1 in the first of them.
    for (const a of agents) {
      const r = await a.call('/api/agent/monitors/summaries', {
        summaries: [summary(a, t0 + 1000, a.name === 'm3' ? 'm1' : undefined), summary(a, t0 + 2000)],
      });
      expect(r.json()).toMatchObject({ stored: 2 });
    }
    const events = async () =>
      (
        await s.app.inject({
          method: 'GET',
          url: `/api/monitors/${monitorId}/events?receiver=m3&from=${new Date(t0 + 1500).toISOString()}`,
          headers: viewer,
        })
      ).json() as { at: string; source: string; from: string; to: string }[];
    const seen = await until(events, (e) => e.some((x) => x.to === 'ok'), 5000);
    expect(seen.map((e) => ({ at: Date.parse(e.at) - t0, source: e.source, to: e.to }))).toEqual([
      { at: 2000, source: agents[0]!.id, to: 'lost' },
      { at: 3000, source: agents[0]!.id, to: 'ok' },
    ]);
  });

  it('makes a receiver leave (audited, assignment says joined false) and refuses unknown receivers', async () => {
    const left = await s.app.inject({
      method: 'POST',
      url: `/api/monitors/${monitorId}/receivers/m2/leave`,
      headers: op,
    });
    expect(left.statusCode, left.body).toBe(200);
    expect(left.json().participants.find((p: { agent: string }) => p.agent === 'm2').joined).toBe(false);
    const beat = await agents[1]!.call('/api/agent/heartbeat', { t0: Date.now() });
    expect(beat.json().monitors.assignments[0].groups[0].joined).toBe(false);
    const unknown = await s.app.inject({
      method: 'POST',
      url: `/api/monitors/${monitorId}/receivers/zz/leave`,
      headers: op,
    });
    expect(unknown.statusCode).toBe(404);
    const stopped = await s.app.inject({
      method: 'POST',
      url: `/api/monitors/${monitorId}/stop`,
      headers: op,
    });
    expect(stopped.json().state).toBe('stopped');
    const after = await agents[1]!.call('/api/agent/heartbeat', { t0: Date.now() });
    expect(after.json().monitors.assignments).toEqual([]);
  });

  it('runs a passive watch as rows of the matrix: one per source address seen, judged by the loss and silence thresholds', async () => {
    const res = await post({
      name: 'watch',
      participants: ['m2', 'm3'].map((agent) => ({ agent, interface: 'eth0', role: 'receiver' })),
      groups: [
        {
          kind: 'watch',
          mode: 'asm',
          group: 'ff0e::db8:77',
          port: 10_077,
          sequence: { kind: 'rtp' },
          silenceMs: 300,
        },
      ],
      intervalSeconds: 1,
    });
    expect(res.statusCode, res.body).toBe(201);
    const watch = res.json();
    const beat = await agents[1]!.call('/api/agent/heartbeat', { t0: Date.now() });
    const assigned = (beat.json().monitors.assignments as { monitorId: string; groups: unknown[] }[]).find(
      (a) => a.monitorId === watch.id,
    )!;
    expect(assigned.groups).toEqual([
      expect.objectContaining({
        kind: 'watch',
        send: false,
        receive: true,
        sequence: { kind: 'rtp' },
        silenceMs: 300,
      }),
    ]);
    const [a, b] = ['2001:db8::a', '2001:db8::b'];
    const stream = (source: string, over: Partial<SourceFigures> = {}) => ({
      source,
      address: source,
      received: 50,
      lost: 0,
      duplicates: 0,
      reordered: 0,
      bytes: 50 * 1328,
      silences: 0,
      mismatches: 0,
      jitterMs: 0.4,
      ...over,
    });
    const upload = async (start: number, sources: ReturnType<typeof stream>[]) => {
      const r = await agents[1]!.call('/api/agent/monitors/summaries', {
        summaries: [
          {
            id: randomUUID(),
            monitorId: watch.id,
            intervalStart: start,
            intervalMs: 1000,
            received: [{ group: watch.groups[0].id, joined: true, sources }],
          },
        ],
      });
      expect(r.json()).toMatchObject({ stored: 1 });
    };
    const m2 = agents[1]!.id;
    const cellStates = async () => {
      const mx = (
        await s.app.inject({ method: 'GET', url: `/api/monitors/${watch.id}/matrix`, headers: viewer })
      ).json<Matrix>();
      const g = mx.groups[0]!;
      return Object.fromEntries(
        matrixCells(g)
          .filter((c) => g.receivers[c.receiver!]!.id === m2)
          .map((c) => [g.sources[c.source!]!.id, mx.states[c.state!]]),
      );
    };
    const now = Math.floor(Date.now() / 1000) * 1000 - 1000;
    await upload(now - 3000, [stream(a)]);
    await upload(now - 2000, [stream(a)]);
    expect(await until(cellStates, (c) => c[a] === 'ok', 5000)).toEqual({ [a]: 'ok' });
    // A second sender shows up as its own row; the first one goes silent for 600 ms and loses 5 packets.
    await upload(now - 1000, [stream(a, { received: 20, lost: 5, silences: 1, maxGapMs: 600 }), stream(b)]);
    expect(await until(cellStates, (c) => c[a] === 'degraded' && c[b] === 'ok', 5000)).toEqual({
      [a]: 'degraded',
      [b]: 'ok',
    });
    // Then nothing of a arrives: lost.
    await upload(now, [stream(a, { received: 0, bytes: 0 }), stream(b)]);
    expect(await until(cellStates, (c) => c[a] === 'lost', 5000)).toEqual({ [a]: 'lost', [b]: 'ok' });
    // m2's agent was away for an interval (restarted): its first interval back began before it joined
    // again, so a source it has not heard yet is not lost on it; b stays ok, judged on the next one.
    await new Promise((r) => setTimeout(r, Math.max(0, now + 3100 - Date.now())));
    await upload(now + 2000, [stream(a, { received: 0, bytes: 0 }), stream(b, { received: 0, bytes: 0 })]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await cellStates()).toEqual({ [a]: 'lost', [b]: 'ok' });
    const events = (
      await s.app.inject({
        method: 'GET',
        url: `/api/monitors/${watch.id}/events?receiver=m2`,
        headers: viewer,
      })
    ).json() as { source: string; to: string; reason: string }[];
    expect(events.find((e) => e.source === a && e.to === 'degraded')?.reason).toMatch(/loss 20%.*1 silence/);
    const q = new URLSearchParams({
      group: watch.groups[0].id,
      source: a,
      receiver: 'm2',
      from: new Date(now - 3000).toISOString(),
      to: new Date(now + 1000).toISOString(),
      step: '1',
    });
    const series = (
      await s.app.inject({ method: 'GET', url: `/api/monitors/${watch.id}/series?${q}`, headers: viewer })
    ).json();
    expect(series.series).toMatchObject({
      received: [50, 50, 20, 0],
      lost: [0, 0, 5, 0],
      silences: [0, 0, 1, 0],
      pps: [50, 50, 20, 0],
      bps: [50 * 1328 * 8, 50 * 1328 * 8, 50 * 1328 * 8, 0],
    });
  });
});
