// The capability messages, from /proc/self/status texts as the kernel writes them (CapEff in hex).
import { describe, expect, it } from 'vitest';
import { capabilityWarning, interfaceError, missingCapabilities } from '../src/capabilities.ts';

const status = (capEff: string) => `Name:\tnetspotter-agent\nCapInh:\t0000000000000000\nCapEff:\t${capEff}\n`;
const NONE = status('0000000000000000');
const RAW_ONLY = status('0000000000002000');
const BOTH = status('0000000000003000');
const ROOT = status('000001ffffffffff');

describe('capabilities', () => {
  it('reads which of CAP_NET_RAW and CAP_NET_ADMIN the effective set lacks', () => {
    expect(missingCapabilities(NONE)).toEqual(['CAP_NET_RAW', 'CAP_NET_ADMIN']);
    expect(missingCapabilities(RAW_ONLY)).toEqual(['CAP_NET_ADMIN']);
    expect(missingCapabilities(BOTH)).toEqual([]);
    expect(missingCapabilities(ROOT)).toEqual([]);
  });

  it('names CAP_NET_RAW when an interface cannot be opened for want of permission', () => {
    const m = interfaceError('eth0', 'socket: Operation not permitted', 'EPERM', NONE);
    expect(m).toMatch(/^cannot open interface eth0: missing capability CAP_NET_RAW \(socket: Operation/);
    expect(m).toContain('AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN');
    // Without the code, the reason's text says it.
    expect(interfaceError('eth0', 'Permission denied', undefined, NONE)).toContain(
      'missing capability CAP_NET_RAW',
    );
    expect(interfaceError('eth0', 'setsockopt: Operation not permitted', 'EPERM', RAW_ONLY)).toContain(
      'missing capability CAP_NET_ADMIN',
    );
  });

  it('does not blame capabilities it has, nor other failures', () => {
    expect(interfaceError('eth0', 'Operation not permitted', 'EPERM', BOTH)).toMatch(
      /has CAP_NET_RAW and CAP_NET_ADMIN; a security module may deny it/,
    );
    expect(interfaceError('eth9', 'No such device', 'ENODEV', NONE)).toBe(
      'cannot open interface eth9: No such device',
    );
  });

  it('warns at start only when one is missing', () => {
    expect(capabilityWarning(BOTH)).toBeUndefined();
    expect(capabilityWarning(NONE)).toMatch(
      /^missing capability CAP_NET_RAW and CAP_NET_ADMIN: no packet can be sent or captured/,
    );
    expect(capabilityWarning(RAW_ONLY)).toMatch(/^missing capability CAP_NET_ADMIN: capture may fail/);
  });
});
