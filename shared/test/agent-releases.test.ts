// Release versions, the agent/server compatibility rule and the one-line install command.
import { describe, expect, it } from 'vitest';
import {
  agentCompatibility,
  compareVersions,
  installCommand,
  parseVersion,
} from '../src/agent-protocol/index.ts';

describe('release versions', () => {
  it('parses MAJOR.MINOR.PATCH with an optional pre-release tag, nothing else', () => {
    expect(parseVersion('0.1.0')).toEqual({ major: 0, minor: 1, patch: 0 });
    expect(parseVersion('1.20.3-rc.1')).toEqual({ major: 1, minor: 20, patch: 3, pre: 'rc.1' });
    for (const bad of ['1.2', 'v1.2.3', '1.2.3 ', '1.2.3-', 'latest', '1.2.3;rm'])
      expect(parseVersion(bad), bad).toBeUndefined();
  });

  it('orders like semver: numbers numerically, a pre-release before its release', () => {
    expect(compareVersions('0.10.0', '0.9.9')).toBe(1);
    expect(compareVersions('1.0.0-rc.1', '1.0.0')).toBe(-1);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(compareVersions('x', '1.0.0')).toBeUndefined();
  });

  it('a server accepts its minor version, one behind and newer ones; older ones must update', () => {
    expect(agentCompatibility('0.3.9', '0.3.0')).toBe('current');
    expect(agentCompatibility('0.2.0', '0.3.1')).toBe('behind');
    expect(agentCompatibility('0.1.5', '0.3.1')).toBe('outdated');
    expect(agentCompatibility('0.4.0', '0.3.1')).toBe('ahead');
    expect(agentCompatibility('1.0.0', '2.0.0')).toBe('outdated');
    expect(agentCompatibility('1.9.0', '2.0.0')).toBe('outdated');
    expect(agentCompatibility('3.0.0', '2.0.0')).toBe('ahead');
    expect(agentCompatibility('bad', '2.0.0')).toBeUndefined();
  });
});

describe('install command', () => {
  const pin = `sha256//${'A'.repeat(43)}=`;
  it('fetches the script pinned to the public key and passes the server and token, all quoted', () => {
    expect(
      installCommand({ server: 'https://[2001:db8::1]:8080/', token: 'nse1.abc.def', publicKeyPin: pin }),
    ).toBe(
      `curl -fsS --pinnedpubkey '${pin}' -k 'https://[2001:db8::1]:8080/agent/install.sh' | ` +
        `sudo sh -s -- --server 'https://[2001:db8::1]:8080' --token 'nse1.abc.def'`,
    );
  });
  it('without TLS there is no pin to give (and no -k)', () => {
    expect(installCommand({ server: 'http://h:8080', token: 't', publicKeyPin: null })).toBe(
      `curl -fsS 'http://h:8080/agent/install.sh' | sudo sh -s -- --server 'http://h:8080' --token 't'`,
    );
  });
  it('names the agent when the token’s name is a valid agent name, else leaves it to the host name', () => {
    const line = (name: string) =>
      installCommand({ server: 'https://h', token: 't', publicKeyPin: pin, name });
    expect(line('lab-host-3')).toMatch(/ --token 't' --name 'lab-host-3'$/);
    expect(line('rack 4, top')).toMatch(/ --token 't'$/);
    expect(line("x'; rm -rf /")).toMatch(/ --token 't'$/);
  });
  it('refuses a malformed pin rather than building a command that pins nothing', () => {
    expect(() => installCommand({ server: 'https://h', token: 't', publicKeyPin: 'sha256//x' })).toThrow(
      /publicKeyPin/,
    );
  });
});
