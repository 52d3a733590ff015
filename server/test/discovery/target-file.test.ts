// Target file parsing: pure, with per-line errors.
import { describe, expect, it } from 'vitest';
import { parseTargetFile } from '../../src/discovery/target-file.ts';

describe('target file', () => {
  it('parses v2c, v3, ports, IPv6 with and without brackets, comments and blank lines', () => {
    const { targets, errors } = parseTargetFile(
      [
        '# lab',
        '192.0.2.1',
        '192.0.2.2:1161 private   # inline comment',
        '2001:db8::1 comm',
        '[2001:db8::2]:1161 comm2',
        '[::1]:1161',
        '',
        '198.51.100.1 v3 admin sha256 authpass1 aes privpass1',
        '198.51.100.2:16100 v3 watcher md5 authpass2',
        '198.51.100.3 v3 guest',
        '203.0.113.0/30 v1 old',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(targets).toEqual([
      { address: '192.0.2.1', credential: { version: 'v2c', community: 'public' } },
      { address: '192.0.2.2', port: 1161, credential: { version: 'v2c', community: 'private' } },
      { address: '2001:db8::1', credential: { version: 'v2c', community: 'comm' } },
      { address: '2001:db8::2', port: 1161, credential: { version: 'v2c', community: 'comm2' } },
      { address: '::1', port: 1161, credential: { version: 'v2c', community: 'public' } },
      {
        address: '198.51.100.1',
        credential: {
          version: 'v3',
          user: 'admin',
          authProtocol: 'sha256',
          authKey: 'authpass1',
          privProtocol: 'aes',
          privKey: 'privpass1',
        },
      },
      {
        address: '198.51.100.2',
        port: 16100,
        credential: { version: 'v3', user: 'watcher', authProtocol: 'md5', authKey: 'authpass2' },
      },
      { address: '198.51.100.3', credential: { version: 'v3', user: 'guest' } },
      { address: '203.0.113.1', credential: { version: 'v1', community: 'old' } },
      { address: '203.0.113.2', credential: { version: 'v1', community: 'old' } },
    ]);
  });

  it('reports each bad line with its number and keeps the good ones', () => {
    const { targets, errors } = parseTargetFile(
      [
        'router.example',
        '192.0.2.1:99999',
        '192.0.2.2 a b',
        '192.0.2.3 v3 u sha',
        '192.0.2.4 v3 u sha1 key12345',
        '192.0.2.5 v3 u sha short',
        '192.0.2.6 v3 u sha authpass1 rot13 privpass1',
        '10.0.0.0/8',
        '192.0.2.7',
      ].join('\n'),
    );
    expect(targets.map((t) => t.address)).toEqual(['192.0.2.7']);
    expect(errors.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(errors[0]!.reason).toMatch(/not an IPv4 or IPv6 address/);
    expect(errors[1]!.reason).toMatch(/port 99999/);
    expect(errors[4]!.reason).toMatch(/unknown auth protocol/);
    expect(errors[5]!.reason).toMatch(/at least 8/);
    expect(errors[6]!.reason).toMatch(/unknown privacy protocol/);
    expect(errors[7]!.reason).toMatch(/more than the limit/);
    // Secrets never appear in a reason.
    expect(errors.map((e) => e.reason).join(' ')).not.toMatch(/authpass1|privpass1|key12345/);
  });
});
