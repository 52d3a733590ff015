import { describe, expect, it } from 'vitest';
import { detailWords } from './detail-words.ts';

describe('detailWords', () => {
  it('says nested details as words, lists inline, and leaves out empty values', () => {
    expect(
      detailWords({ name: 'lab', targets: ['a', 'b'], policy: { maxPps: 5000, interfaces: [] }, note: null }),
    ).toBe('name: lab · targets: a, b · policy maxPps: 5000 · policy interfaces: none');
    expect(detailWords({ participants: [{ agent: 'h1', role: 'both' }] })).toBe(
      'participants 1 agent: h1 · participants 1 role: both',
    );
    expect(detailWords('revoked')).toBe('revoked');
    expect(detailWords(undefined)).toBe('');
  });
});
