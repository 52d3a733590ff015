import { describe, expect, it } from 'vitest';
import { CELL_STATES, MATRIX_FIELDS, matrixColumns, type Agent, type Monitor } from '@netspotter/shared/api';
import { ageText, heatmaps, stateSummary, worstState } from './heatmap.ts';
import { chartPanels, initialWindow, pan, rangeOf, stateMarks, zoom } from './series-data.ts';
import { initialState, monitorBody, sourceChoices } from './form-model.ts';

/** A matrix row from named figures (the rest null). */
const row = (v: Partial<Record<(typeof MATRIX_FIELDS)[number], number>>) =>
  MATRIX_FIELDS.map((f) => v[f] ?? null);

describe('heatmaps', () => {
  const matrix = {
    states: [...CELL_STATES],
    groups: [
      {
        id: 'g1',
        kind: 'beacon' as const,
        mode: 'asm' as const,
        group: 'ff0e::db8:1',
        port: 10013,
        source: null,
        sources: [
          { id: 'a1', name: 'h1', address: null },
          { id: 'a2', name: 'h2', address: null },
        ],
        receivers: [
          { id: 'a1', name: 'h1' },
          { id: 'a2', name: 'h2' },
        ],
        ...matrixColumns([
          row({ source: 0, receiver: 1, state: 0, age: 3, lossRatio: 0, received: 10, lost: 0, hops: 0 }),
          row({
            source: 1,
            receiver: 0,
            state: 2,
            age: 4,
            lossRatio: 1,
            received: 0,
            lost: 10,
            delayP50Ms: 0.412,
            delayP99Ms: 1.5,
            jitterMs: 0.05,
            joinLatencyMs: 13.26,
          }),
        ]),
      },
    ],
  };

  it('places each cell at its source row and receiver column, with no cell where a host meets itself', () => {
    const [m] = heatmaps(matrix);
    expect(m!.title).toBe('ASM (*, ff0e::db8:1) port 10013');
    expect(m!.rows.map((r) => r.map((c) => c?.state ?? null))).toEqual([
      [null, 'ok'],
      ['lost', null],
    ]);
    const lost = m!.rows[1]![0]!;
    expect([lost.group, lost.source, lost.receiver, lost.sourceName, lost.receiverName]).toEqual([
      'g1',
      'a2',
      'a1',
      'h2',
      'h1',
    ]);
    expect(lost.details).toEqual([
      'loss 100% (10 of 10 lost)',
      'delay p50 0.41 ms, p99 1.5 ms',
      'jitter 0.05 ms',
      'join latency 13.3 ms',
      'summary 4 s ago',
    ]);
  });

  it('summarises counts in state order and names the worst state', () => {
    expect(stateSummary({ lost: 2, ok: 6, stale: 0 })).toBe('6 ok, 2 lost');
    expect(stateSummary({})).toBe('no cells');
    expect(worstState({ ok: 6, degraded: 1, 'never-seen': 1 })).toBe('degraded');
    expect(worstState({})).toBeUndefined();
  });

  it('tells ages in the unit that reads best', () => {
    expect([ageText(4.4), ageText(600), ageText(7200 * 2), ageText(86_400 * 3)]).toEqual([
      '4 s ago',
      '10 min ago',
      '4 h ago',
      '3 d ago',
    ]);
  });
});

describe('series → chart data', () => {
  const series = {
    t: [100, 110, 120],
    series: {
      lossRatio: [0, 0.5, null],
      delayP50Ms: [1, 2, null],
      delayP99Ms: [3, 4, null],
      jitterMs: [0.1, 0.2, null],
      joinLatencyMs: [15, 15, 15],
    },
    events: [
      {
        at: new Date(115_000).toISOString(),
        group: 'g1',
        source: 'a1',
        receiver: 'a2',
        from: 'ok' as const,
        to: 'lost' as const,
        reason: 'loss 100%',
      },
    ],
  };

  it('makes the loss, delay, jitter and join-latency panels in uPlot column order, loss in percent', () => {
    const panels = chartPanels(series);
    expect(panels.map((p) => [p.title, p.unit, p.labels])).toEqual([
      ['Loss', '%', ['loss %']],
      ['Delay', 'ms', ['p50', 'p99']],
      ['Jitter', 'ms', ['jitter']],
      ['Join latency', 'ms', ['join latency']],
    ]);
    expect(panels[0]!.data).toEqual([
      [100, 110, 120],
      [0, 50, null],
    ]);
    expect(panels[1]!.data).toEqual([
      [100, 110, 120],
      [1, 2, null],
      [3, 4, null],
    ]);
  });

  it('draws a missing series as gaps', () => {
    const [loss] = chartPanels({ t: [1, 2], series: {} });
    expect(loss!.data).toEqual([
      [1, 2],
      [null, null],
    ]);
  });

  it('marks state changes at their time in seconds', () => {
    const [m] = stateMarks(series);
    expect(m!.t).toBe(115);
    expect(m!.to).toBe('lost');
    expect(m!.text).toBe('ok → lost (loss 100%)');
  });

  it('starts the window a step before the first point with figures, at least 30 steps wide', () => {
    const day = { min: 0, max: 86_400 };
    const t = Array.from({ length: 8640 }, (_, i) => i * 10);
    const late = t.map((x) => (x >= 80_000 ? 1 : null));
    expect(initialWindow({ t, series: { received: late }, stepSeconds: 10 }, day)).toEqual({
      min: 79_990,
      max: 86_400,
    });
    const last = t.map((x) => (x === 86_390 ? 1 : null));
    expect(initialWindow({ t, series: { received: last }, stepSeconds: 10 }, day)).toEqual({
      min: 86_100,
      max: 86_400,
    });
    expect(initialWindow({ t, series: {}, stepSeconds: 10 }, day)).toEqual(day);
  });

  it('turns range choices into bounds and refuses a custom range that ends before it starts', () => {
    expect(rangeOf('6h', 10 * 3_600_000)).toEqual({ from: 4 * 3_600_000, to: 10 * 3_600_000 });
    expect(rangeOf('custom', 0, { from: 5, to: 9 })).toEqual({ from: 5, to: 9 });
    expect(() => rangeOf('custom', 0, { from: 9, to: 5 })).toThrow(RangeError);
  });

  it('pans and zooms inside the loaded day, keeping the width and a minimum', () => {
    const day = { min: 0, max: 86_400 };
    expect(pan({ min: 3600, max: 7200 }, -0.5, day)).toEqual({ min: 1800, max: 5400 });
    expect(pan({ min: 3600, max: 7200 }, -5, day)).toEqual({ min: 0, max: 3600 });
    expect(pan({ min: 82_800, max: 86_400 }, 1, day)).toEqual({ min: 82_800, max: 86_400 });
    expect(zoom({ min: 0, max: 86_400 }, 0.5, 43_200, day, 60)).toEqual({ min: 21_600, max: 64_800 });
    expect(zoom({ min: 100, max: 160 }, 0.1, 130, day, 60)).toEqual({ min: 100, max: 160 });
    expect(zoom({ min: 0, max: 3600 }, 100, 1800, day, 60)).toEqual(day);
  });
});

describe('the monitor form model', () => {
  const agent = (name: string, address: string): Pick<Agent, 'name' | 'facts'> => ({
    name,
    facts: {
      hostname: name,
      os: 'linux',
      arch: 'x64',
      agentVersion: '1',
      engine: 'kernel',
      capabilities: { rawPackets: false, engines: ['kernel'] },
      interfaces: [
        { name: 'lo', addresses: ['::1/128'], internal: true },
        { name: 'eth0', addresses: ['fe80::1/64', `${address}/64`] },
      ],
    },
  });
  const agents = [agent('h1', '2001:db8::1'), agent('h2', '2001:db8::2'), agent('h3', '2001:db8::3')];

  it('starts a new monitor as a full mesh of every agent on its first usable interface', () => {
    const s = initialState(agents);
    expect(s.participants).toEqual(
      ['h1', 'h2', 'h3'].map((agent) => ({ agent, included: true, interface: 'eth0', role: 'both' })),
    );
  });

  it('sends only ticked agents and maps body indices back to form rows', () => {
    const s = initialState(agents);
    s.name = ' m1 ';
    s.participants[0]!.included = false;
    s.groups = [{ mode: 'ssm', group: 'ff3e::db8:2', port: '', source: '$h2' }];
    s.beaconPps = '5';
    s.intervalSeconds = 'ten';
    s.lostLossPct = '50';
    const { body, participantRows } = monitorBody(s);
    expect(participantRows).toEqual([1, 2]);
    expect(body).toEqual({
      name: 'm1',
      participants: [
        { agent: 'h2', interface: 'eth0', role: 'both' },
        { agent: 'h3', interface: 'eth0', role: 'both' },
      ],
      groups: [{ mode: 'ssm', group: 'ff3e::db8:2', source: '$h2' }],
      beaconPps: 5,
      // Not a number: sent as typed so the server names the field.
      intervalSeconds: 'ten',
      thresholds: { lostLossPct: 50 },
    });
  });

  it('offers the ticked senders as SSM sources, with their global address', () => {
    const s = initialState(agents);
    s.participants[2]!.role = 'receiver';
    expect(sourceChoices(s.participants, agents)).toEqual([
      ['$h1', 'h1 (2001:db8::1)'],
      ['$h2', 'h2 (2001:db8::2)'],
    ]);
  });

  it('edits a monitor with its participants and groups, and sends its watches back unchanged', () => {
    const m = {
      name: 'm',
      description: null,
      participants: [{ agentId: 'x', agent: 'h2', interface: 'eth0', role: 'receiver', joined: true }],
      groups: [
        { id: 'b', kind: 'beacon', mode: 'asm', group: 'ff0e::1', port: 1, source: null },
        { id: 'w', kind: 'watch', mode: 'asm', group: 'ff0e::2', port: 5004, source: null, silenceMs: 1000 },
      ].map((g) => ({ sourceAddress: null, sequence: null, silenceMs: null, ...g })),
      beaconPps: 2,
      intervalSeconds: 10,
      thresholds: {
        degradedLossPct: 1,
        lostLossPct: 100,
        degradedDelayMs: null,
        degradedJitterMs: null,
        joinLatencyMs: 250,
      },
    } as unknown as Monitor;
    const s = initialState(agents, m);
    expect(s.participants.map((p) => [p.agent, p.included, p.role])).toEqual([
      ['h1', false, 'both'],
      ['h2', true, 'receiver'],
      ['h3', false, 'both'],
    ]);
    expect(monitorBody(s).body.groups).toEqual([
      { id: 'b', mode: 'asm', group: 'ff0e::1', port: 1 },
      { id: 'w', kind: 'watch', mode: 'asm', group: 'ff0e::2', port: 5004, silenceMs: 1000 },
    ]);
    expect(monitorBody(s).body.thresholds).toEqual({
      degradedLossPct: 1,
      lostLossPct: 100,
      joinLatencyMs: 250,
    });
  });
});
