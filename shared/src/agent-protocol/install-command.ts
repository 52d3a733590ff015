// The one line an admin pastes on a fresh host: fetch the server's install script over a connection
// pinned to the server's public key (curl --pinnedpubkey aborts before any data is exchanged with another
// peer; -k only skips the CA check a self-signed certificate would fail), and run it as root with the
// server URL and the enrolment token. The script checks the token's certificate fingerprint against the
// server's before it does anything, and downloads the agent over the same pin.
import { AGENT_NAME_PATTERN } from './messages.ts';

/** `sha256//BASE64` of the server certificate's SubjectPublicKeyInfo, as curl --pinnedpubkey takes it. */
export type PublicKeyPin = string;

const PIN = /^sha256\/\/[A-Za-z0-9+/]{43}=$/;

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

export function installCommand(o: {
  server: string;
  token: string;
  publicKeyPin: PublicKeyPin | null;
  /** The agent's name (the enrolment token's, when it is a valid agent name); else the host's name. */
  name?: string;
}): string {
  const server = o.server.replace(/\/+$/, '');
  const script = `${server}/agent/install.sh`;
  if (o.publicKeyPin !== null && !PIN.test(o.publicKeyPin))
    throw new Error('publicKeyPin must be sha256// and 44 base64 characters');
  const fetch = o.publicKeyPin
    ? `curl -fsS --pinnedpubkey ${quote(o.publicKeyPin)} -k ${quote(script)}`
    : `curl -fsS ${quote(script)}`;
  const name = o.name !== undefined && new RegExp(AGENT_NAME_PATTERN).test(o.name) ? o.name : undefined;
  return (
    `${fetch} | sudo sh -s -- --server ${quote(server)} --token ${quote(o.token)}` +
    (name ? ` --name ${quote(name)}` : '')
  );
}
