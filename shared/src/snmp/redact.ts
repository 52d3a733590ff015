// One redaction step for every text that can reach a response, a log or the CLI: it knows the secrets
// in play (the credentials a run uses) and masks them wherever they appear in a text the run wrote —
// an error a device provoked (net-snmp quotes the community it sent), a table issue.
import type { SnmpCredentialInput } from '../targets/snmp-credential.ts';

export const MASK = '********';

export class Redactor {
  readonly #secrets: string[];

  constructor(secrets: Iterable<string | undefined>) {
    // Longest first, so a secret that contains another is masked whole.
    this.#secrets = [...new Set([...secrets].filter((s): s is string => !!s))].sort(
      (a, b) => b.length - a.length,
    );
  }

  text(s: string): string {
    let out = s;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }

  /** An error whose message (and cause's) no longer carries a secret. */
  error(err: unknown): Error {
    const e = err instanceof Error ? err : new Error(String(err));
    const clean = new Error(
      this.text(e.message),
      e.cause === undefined ? undefined : { cause: this.error(e.cause) },
    );
    clean.name = e.name;
    return clean;
  }
}

/** The secret material of an SNMP credential (user names are not secret). */
export function credentialSecrets(c: SnmpCredentialInput): string[] {
  return c.version === 'v3' ? [c.authKey, c.privKey].filter((s): s is string => !!s) : [c.community];
}
