// The enrolment token an admin hands to an agent: the one-time secret plus the SHA-256 fingerprint of
// the server's TLS certificate, so the agent can pin the certificate before it trusts anything.
// Text form: `nse1.<secret>.<fingerprint hex | "plain">`.

const PREFIX = 'nse1';
const SECRET = /^[A-Za-z0-9_-]{32,128}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;

export interface EnrolmentToken {
  secret: string;
  /** Lower-case hex SHA-256 of the server certificate (DER); undefined when the server runs plaintext. */
  fingerprint?: string;
}

export function formatEnrolmentToken(t: EnrolmentToken): string {
  if (!SECRET.test(t.secret)) throw new Error('enrolment secret must be 32-128 base64url characters');
  if (t.fingerprint !== undefined && !FINGERPRINT.test(t.fingerprint))
    throw new Error('fingerprint must be 64 hex digits');
  return `${PREFIX}.${t.secret}.${t.fingerprint ?? 'plain'}`;
}

/** Parses a token; the error says what is wrong without echoing the secret. */
export function parseEnrolmentToken(text: string): EnrolmentToken {
  const parts = text.trim().split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX)
    throw new Error('not a Netspotter enrolment token (expected nse1.<secret>.<fingerprint>)');
  const [, secret, fp] = parts as [string, string, string];
  if (!SECRET.test(secret)) throw new Error('enrolment token: malformed secret');
  if (fp === 'plain') return { secret };
  const fingerprint = fp.toLowerCase();
  if (!FINGERPRINT.test(fingerprint)) throw new Error('enrolment token: malformed certificate fingerprint');
  return { secret, fingerprint };
}
