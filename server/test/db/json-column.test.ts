import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { HostFactsSchema } from '@netspotter/shared/agent-protocol';
import { ShapeError } from '@netspotter/shared';
import { hostFacts } from '../support/agent-calls.ts';
import { readJson } from '../../src/db/json-column.ts';

const facts = hostFacts('h1');

/** Documents that break the schema in one place each, and some that fit it. */
const variants: unknown[] = [
  facts,
  { ...facts, policy: { anything: [1, 2] } },
  { ...facts, interfaces: [] },
  { ...facts, extra: 1 },
  { ...facts, arch: 'x'.repeat(33) },
  { ...facts, interfaces: [{ name: 'eth0', addresses: ['a'], internal: 'yes' }] },
  { ...facts, interfaces: Array.from({ length: 257 }, () => facts.interfaces[0]) },
  { ...facts, capabilities: { rawPackets: true } },
  { ...facts, hostname: 7 },
  [facts],
  null,
  'facts',
];

describe('readJson', () => {
  it('answers a document that fits its schema as it is', () => {
    expect(readJson(HostFactsSchema, facts, 'agent.facts')).toBe(facts);
  });

  it('throws for one that does not, naming the column and the first place it does not fit', () => {
    expect(() => readJson(HostFactsSchema, { ...facts, hostname: 7 }, 'agent.facts')).toThrow(
      new ShapeError('agent.facts does not have the expected shape (/hostname: must be string)'),
    );
  });

  it('accepts exactly what the interpreted check accepts', () => {
    for (const v of variants) {
      const fits = Value.Check(HostFactsSchema, v);
      if (fits) expect(readJson(HostFactsSchema, v, 'agent.facts')).toBe(v);
      else expect(() => readJson(HostFactsSchema, v, 'agent.facts'), JSON.stringify(v)).toThrow(ShapeError);
    }
    expect(variants.filter((v) => Value.Check(HostFactsSchema, v))).toHaveLength(3);
  });
});
