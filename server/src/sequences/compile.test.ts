import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain-errors.ts';
import type { AgentInfo } from '../agents/participants.ts';
import { compileSequence } from './compile.ts';
import type { SequenceDefinition } from '@netspotter/shared/sequences';

const agent = (name: string, n: number): AgentInfo => ({
  id: `id-${name}`,
  name,
  interfaces: ['lo', 'eth0'],
  addresses: { eth0: { mac: `02:00:00:00:00:0${n}`, addresses: [`fe80::${n}%eth0`, `2001:db8:1::1${n}`] } },
  policy: {},
});
const agents = [agent('h1', 1), agent('h2', 2), agent('h3', 3)];

const udp = (dst: string, extra: Record<string, unknown> = {}) => ({
  template: 'ethernet',
  values: {
    body: {
      template: 'ipv6',
      values: {
        src: '$h1',
        dst,
        body: {
          template: 'udp',
          values: { dstPort: 5000, ...extra, body: { template: 'test-signature', values: { streamId: 1 } } },
        },
      },
    },
  },
});

const def = (
  steps: SequenceDefinition['steps'],
  over: Partial<SequenceDefinition> = {},
): SequenceDefinition => ({
  participants: [
    { name: 'h1', agent: 'h1', interface: 'eth0' },
    { name: 'h2', agent: 'h2', interface: 'eth0' },
    { name: 'h3', agent: 'h3', interface: 'eth0' },
  ],
  steps,
  ...over,
});

const scenario = def([
  { op: 'join', at: 'h2', group: 'ff3e::1234', source: '$h1' },
  { op: 'wait', ms: 500 },
  { op: 'send', from: 'h1', message: udp('ff3e::1234') },
  { op: 'expect', at: 'h2', message: udp('ff3e::1234', { srcPort: { any: true } }), timeoutMs: 3000 },
  { op: 'expect-none', at: 'h3', message: udp('ff3e::1234'), timeoutMs: 3000 },
]);

function refusal(fn: () => unknown): { field?: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { field: e.field, message: e.message };
    throw e;
  }
  throw new Error('not refused');
}

describe('sequence compile', () => {
  it('gives each participant its steps, with a barrier where the actor changes, and resolves aliases', () => {
    const jobs = compileSequence(scenario, agents);
    expect(jobs.map((j) => [j.participant, j.agentId])).toEqual([
      ['h1', 'id-h1'],
      ['h2', 'id-h2'],
      ['h3', 'id-h3'],
    ]);
    const ops = (n: number) =>
      jobs[n]!.plan.steps.map((s) => (s.op === 'barrier' ? `barrier:${s.name}` : s.op));
    expect(ops(0)).toEqual(['wait', 'barrier:b1', 'send']);
    expect(ops(1)).toEqual(['join', 'wait', 'barrier:b1', 'expect']);
    expect(ops(2)).toEqual(['wait', 'barrier:b1', 'expect-none']);
    expect(jobs[1]!.plan.steps[0]).toMatchObject({
      op: 'join',
      interface: 'eth0',
      group: 'ff3e::1234',
      source: '2001:db8:1::11',
    });
    const send = jobs[0]!.plan.steps[2] as unknown as {
      message: { values: { body: { values: { src: string } } } };
    };
    expect(send.message.values.body.values.src).toBe('2001:db8:1::11');
    expect(jobs.every((j) => j.plan.steps.every((s, i) => s.step === i))).toBe(true);
  });

  it('gives every plan step the definition step it came from, and each barrier its origin', () => {
    const jobs = compileSequence(def([...scenario.steps, { op: 'barrier' }]), agents);
    const provenance = (n: number) =>
      jobs[n]!.plan.steps.map(
        (s) => `${s.op}@${s.definitionStep}${s.op === 'barrier' ? `:${s.origin}` : ''}`,
      );
    // h1 sends at step 2 after h2 joined at step 0: the handover barrier belongs before step 2.
    expect(provenance(0)).toEqual(['wait@1', 'barrier@2:handover', 'send@2', 'barrier@5:definition']);
    expect(provenance(1)).toEqual([
      'join@0',
      'wait@1',
      'barrier@2:handover',
      'expect@3',
      'barrier@5:definition',
    ]);
    expect(provenance(2)).toEqual(['wait@1', 'barrier@2:handover', 'expect-none@4', 'barrier@5:definition']);
  });

  it('names the place of each error', () => {
    expect(
      refusal(() =>
        compileSequence(
          def(scenario.steps, { participants: [{ name: 'h1', agent: 'h9', interface: 'eth0' }] }),
          agents,
        ),
      ),
    ).toMatchObject({
      field: 'participants[0].agent',
      message: expect.stringContaining('unknown agent "h9"'),
    });
    expect(
      refusal(() =>
        compileSequence(
          def(scenario.steps, { participants: [{ name: 'h1', agent: 'h1', interface: 'eth5' }] }),
          agents,
        ),
      ).field,
    ).toBe('participants[0].interface');
    expect(
      refusal(() => compileSequence(def([{ op: 'join', at: 'h7', group: 'ff3e::1' }]), agents)),
    ).toMatchObject({ field: 'steps[0].at' });
    expect(
      refusal(() =>
        compileSequence(def([{ op: 'send', from: 'h1', message: udp('not-an-address') }]), agents),
      ).field,
    ).toBe('steps[0].message.body.dst');
    expect(
      refusal(() =>
        compileSequence(
          def([{ op: 'send', from: 'h1', message: udp('ff3e::1', { dstPort: 70000 }) }]),
          agents,
        ),
      ).field,
    ).toBe('steps[0].message.body.body.dstPort');
    expect(
      refusal(() =>
        compileSequence(def([{ op: 'expect', at: 'h2', message: udp('ff3e::1', { nosuch: 1 }) }]), agents),
      ).field,
    ).toMatch(/^steps\[0\]\.message\.body\.body/);
    expect(
      refusal(() => compileSequence(def([{ op: 'send', from: 'h1', message: udp('$nobody') }]), agents)),
    ).toMatchObject({ message: expect.stringContaining('unknown alias "$nobody"') });
  });

  it('uses user aliases and templates', () => {
    const jobs = compileSequence(
      def(
        [
          {
            op: 'send',
            from: 'h1',
            message: {
              template: 'ethernet',
              values: { dst: '$bcast', body: { template: 'probe', values: { n: 7 } } },
            },
          },
        ],
        {
          aliases: { bcast: 'ff:ff:ff:ff:ff:ff' },
          templates: [{ name: 'probe', fields: [{ name: 'n', type: 'uint', bits: 8 }] }],
        },
      ),
      agents,
    );
    expect(jobs[0]!.plan.templates.map((t) => t.name)).toEqual(['probe']);
    expect(JSON.stringify(jobs[0]!.plan.steps[0])).toContain('ff:ff:ff:ff:ff:ff');
  });
});
