// The RFC 5424 formatter against the RFC's own examples (§6.5), and octet-counting framing.
import { describe, expect, it } from 'vitest';
import { formatSyslog, octetFrame, splitFrames } from './syslog-format.ts';

const T = Date.parse('2003-10-11T22:14:15.003Z');

describe('formatSyslog', () => {
  it('writes RFC 5424 example 1 (no structured data, a BOM before MSG)', () => {
    expect(
      formatSyslog({
        facility: 'auth',
        severity: 'critical',
        time: T,
        hostname: 'mymachine.example.com',
        appName: 'su',
        msgId: 'ID47',
        msg: "'su root' failed for lonvick on /dev/pts/8",
      }),
    ).toBe(
      "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \u{feff}'su root' failed for lonvick on /dev/pts/8",
    );
  });

  it('writes RFC 5424 examples 3 and 4 (structured data with and without MSG)', () => {
    const base = {
      facility: 'local4' as const,
      severity: 'notice' as const,
      time: T,
      hostname: 'mymachine.example.com',
      appName: 'evntslog',
      msgId: 'ID47',
    };
    const sd = { 'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' } };
    expect(formatSyslog({ ...base, structuredData: sd, msg: 'An application event log entry...' })).toBe(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] \u{feff}An application event log entry...',
    );
    expect(
      formatSyslog({ ...base, structuredData: { ...sd, 'examplePriority@32473': { class: 'high' } } }),
    ).toBe(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
    );
  });

  it('escapes SD values, strips spaces and control characters from header fields and cuts them to length', () => {
    const line = formatSyslog({
      facility: 'local0',
      severity: 'error',
      time: T,
      hostname: 'host name',
      appName: 'a'.repeat(60),
      msgId: 'alert\nfired',
      structuredData: { 'alert@32473': { summary: 'cell "m1>m3" lost [x] \\ y' } },
    });
    expect(line).toBe(
      `<131>1 2003-10-11T22:14:15.003Z hostname ${'a'.repeat(48)} - alertfired [alert@32473 summary="cell \\"m1>m3\\" lost [x\\] \\\\ y"]`,
    );
  });
});

describe('octet counting', () => {
  it('frames by byte length (UTF-8) and splits a stream that arrives in pieces', () => {
    const a = octetFrame('<14>1 - - - - - - \u{feff}ünïcode');
    expect(a.startsWith(`${Buffer.byteLength('<14>1 - - - - - - \u{feff}ünïcode')} `)).toBe(true);
    const stream = Buffer.from(a + octetFrame('second'));
    const first = splitFrames(stream.subarray(0, stream.length - 3));
    expect(first.messages).toEqual(['<14>1 - - - - - - \u{feff}ünïcode']);
    const second = splitFrames(Buffer.concat([first.rest, stream.subarray(stream.length - 3)]));
    expect(second).toEqual({ messages: ['second'], rest: Buffer.alloc(0) });
  });
});
