// Release versions (`MAJOR.MINOR.PATCH`, an optional `-pre` tag) and the compatibility rule between an
// agent and its server: a server accepts agents of its own minor version and one minor version behind,
// and tells older ones to update. Agents ahead of the server are accepted, since protocol additions are
// additive (an older server ignores nothing it needs).

export interface Version {
  major: number;
  minor: number;
  patch: number;
  pre?: string;
}

const VERSION = /^(\d{1,6})\.(\d{1,6})\.(\d{1,6})(?:-([0-9A-Za-z.-]{1,40}))?$/;
/** The same rule as a JSON-schema pattern, for the wire shapes. */
export const VERSION_PATTERN = VERSION.source;

export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), ...(m[4] && { pre: m[4] }) };
}

/** Orders versions as semver does (a pre-release before its release); undefined when one is malformed. */
export function compareVersions(a: string, b: string): number | undefined {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return undefined;
  const d = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  if (d !== 0) return Math.sign(d);
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/**
 * current: the server's minor version; behind: one minor version behind (accepted, an update is
 * offered); outdated: older (refused until updated); ahead: newer than the server (accepted).
 */
export type Compatibility = 'current' | 'behind' | 'outdated' | 'ahead';

export function agentCompatibility(agentVersion: string, serverVersion: string): Compatibility | undefined {
  const a = parseVersion(agentVersion);
  const s = parseVersion(serverVersion);
  if (!a || !s) return undefined;
  if (a.major !== s.major) return a.major > s.major ? 'ahead' : 'outdated';
  if (a.minor === s.minor) return 'current';
  if (a.minor > s.minor) return 'ahead';
  return a.minor === s.minor - 1 ? 'behind' : 'outdated';
}
