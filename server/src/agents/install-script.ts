// The install script as this server serves it (install.sh beside this file, with this server's
// certificate fingerprint, public-key pin and release digests filled in): whoever fetched it over the
// pinned connection gets the digests the server signed off, and the script checks the download with them.
import { readFileSync } from 'node:fs';
import type { AgentRelease } from '../db/generated/client.ts';
import { newest } from './releases.ts';

const TEMPLATE = readFileSync(new URL('./install.sh', import.meta.url), 'utf8');

export interface InstallScriptFacts {
  /** Hex SHA-256 of the certificate (what enrolment tokens pin); null without TLS. */
  fingerprint: string | null;
  publicKeyPin: string | null;
  releases: AgentRelease[];
}

// Every value is checked before it goes between single quotes in the script.
const SAFE = /^[A-Za-z0-9+/=. -]*$/;

export function renderInstallScript(f: InstallScriptFacts): string {
  const release = (arch: string) => {
    const r = newest(f.releases, arch);
    return r ? `${r.version} ${r.sha256}` : '';
  };
  const values: Record<string, string> = {
    SERVER_FINGERPRINT: f.fingerprint ?? '',
    PUBLIC_KEY_PIN: f.publicKeyPin ?? '',
    RELEASE_x64: release('x64'),
    RELEASE_arm64: release('arm64'),
  };
  return TEMPLATE.replace(/@@(\w+)@@/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined || !SAFE.test(v)) throw new Error(`install.sh: bad value for ${key}`);
    return v;
  });
}
