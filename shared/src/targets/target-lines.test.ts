import { describe, expect, it } from 'vitest';
import { parseTargetLines } from './target-lines.ts';

describe('parseTargetLines', () => {
  it('parses every line form, skipping comments and blanks', () => {
    const { targets, errors } = parseTargetLines(
      [
        '# core switches',
        '192.0.2.1 public',
        '',
        '[2001:db8::1] v3 admin SHA authsecret1 AES privsecret1  # v3',
        '2001:db8::2 v3 watcher sha256 authsecret2',
        '198.51.100.0/30',
        '192.0.2.9 v1 old',
      ].join('\n'),
      { defaultCommunity: 'dflt' },
    );
    expect(errors).toEqual([]);
    expect(targets.map((t) => [t.line, t.address.text, t.credential])).toEqual([
      [2, '192.0.2.1', { version: 'v2c', community: 'public' }],
      [
        4,
        '2001:db8::1',
        {
          version: 'v3',
          user: 'admin',
          authProtocol: 'sha',
          authKey: 'authsecret1',
          privProtocol: 'aes',
          privKey: 'privsecret1',
        },
      ],
      [5, '2001:db8::2', { version: 'v3', user: 'watcher', authProtocol: 'sha256', authKey: 'authsecret2' }],
      [6, '198.51.100.0/30', { version: 'v2c', community: 'dflt' }],
      [7, '192.0.2.9', { version: 'v1', community: 'old' }],
    ]);
  });

  it('reports every bad line with its number and a reason that never shows a key', () => {
    const { targets, errors } = parseTargetLines(
      [
        '10.0.0.300 public',
        '192.0.2.0/16',
        '2001:db8::1 v3 u md6 verysecretkey',
        '2001:db8::1 v3 u sha short',
        '192.0.2.1 a b',
        '192.0.2.2 ok',
      ].join('\n'),
      { maxRange: 1024 },
    );
    expect(targets.map((t) => t.line)).toEqual([6]);
    expect(errors.map((e) => e.line)).toEqual([1, 2, 3, 4, 5]);
    expect(errors[0]!.reason).toMatch(/not an IPv4 or IPv6 address/);
    expect(errors[1]!.reason).toMatch(/65536 addresses, more than the limit of 1024/);
    expect(errors[2]!.reason).toMatch(/unknown auth protocol "md6"/);
    expect(errors[3]!.reason).toMatch(/authKey must be at least 8/);
    expect(JSON.stringify(errors)).not.toMatch(/verysecretkey|short/);
  });

  it('accepts :PORT only when allowed', () => {
    expect(
      parseTargetLines('127.0.0.1:1161 c\n[::1]:1161 c', { allowPort: true }).targets.map((t) => [
        t.address.text,
        t.port,
      ]),
    ).toEqual([
      ['127.0.0.1', 1161],
      ['::1', 1161],
    ]);
    expect(parseTargetLines('127.0.0.1:1161 c').errors[0]!.reason).toMatch(/port is not allowed/);
  });
});
