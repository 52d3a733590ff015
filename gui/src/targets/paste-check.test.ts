import { describe, expect, it } from 'vitest';
import { checkPaste, lineRange, mergeProblems } from './paste-check.ts';

describe('checkPaste', () => {
  it('flags each bad line with its number and reason, counting the good ones', () => {
    const text = [
      '# lab',
      '192.0.2.1 public',
      '',
      '2001:db8::1 v3 admin sha short',
      '999.1.1.1',
      '2001:db8::/120 v2c x',
    ].join('\n');
    const r = checkPaste(text);
    expect(r.good).toBe(2);
    expect(r.problems.map((p) => p.line)).toEqual([4, 5]);
    expect(r.problems[0]!.reason).toMatch(/authKey/);
    // secrets never appear in a reason
    expect(r.problems[0]!.reason).not.toContain('short');
  });

  it('takes ADDRESS:PORT as the server does, and refuses a range over the server’s limit', () => {
    expect(checkPaste('127.0.0.1:16161 public\n[2001:db8::1]:1161 x')).toEqual({ good: 2, problems: [] });
    const r = checkPaste('10.0.0.0/8 public', undefined, 4096);
    expect(r.good).toBe(0);
    expect(r.problems[0]!.reason).toMatch(/more than the limit of 4096/);
  });

  it('uses the default community for bare addresses', () => {
    expect(checkPaste('192.0.2.7', 'public')).toEqual({ good: 1, problems: [] });
  });
});

describe('mergeProblems', () => {
  it('keeps both sources, drops repeats, orders by line', () => {
    const merged = mergeProblems(
      [{ line: 4, reason: 'bad' }],
      [
        { line: 4, reason: 'bad' },
        { line: 2, reason: 'range too large' },
      ],
    );
    expect(merged).toEqual([
      { line: 2, reason: 'range too large', from: 'server' },
      { line: 4, reason: 'bad', from: 'browser' },
    ]);
  });
});

describe('lineRange', () => {
  it('finds the characters of a line', () => {
    const text = 'a\nbcd\nef';
    const [s, e] = lineRange(text, 2);
    expect(text.slice(s, e)).toBe('bcd');
  });
});
