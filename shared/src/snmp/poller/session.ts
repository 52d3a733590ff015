// Opening a net-snmp session for a target: version, transport family, v3 user, community/context per VLAN.
import snmp, { type Session, type SessionOptions, type User } from 'net-snmp';
import { isIP } from 'node:net';
import type { Credential, Target } from '../target.ts';

export interface SessionSettings {
  timeoutMs: number;
  retries: number;
}

/** Cisco community string indexing: `community@vlan` for v1/v2c, context `vlan-N` for v3. */
export function openSession(target: Target, settings: SessionSettings, vlan?: number): Session {
  const options: SessionOptions = {
    port: target.port ?? 161,
    timeout: settings.timeoutMs,
    retries: settings.retries,
    transport: isIP(target.address) === 6 ? 'udp6' : 'udp4',
    // The walker checks OID order itself so it can report non-increasing OIDs instead of failing opaquely.
    backwardsGetNexts: true,
  };
  const c = target.credential;
  let session: Session;
  if (c.version === 'v3') {
    const context = vlan !== undefined ? `vlan-${vlan}` : c.context;
    if (context) options.context = context;
    session = snmp.createV3Session(target.address, v3User(c), { ...options, version: snmp.Version3 });
  } else {
    const community = vlan === undefined ? c.community : `${c.community}@${vlan}`;
    const version = c.version === 'v1' ? snmp.Version1 : snmp.Version2c;
    session = snmp.createSession(target.address, community, { ...options, version });
  }
  // Socket errors surface through request callbacks; a datagram net-snmp cannot decode comes here too.
  const heard: Heard = { datagrams: 0 };
  session.on('error', (err) => {
    if (!('code' in err)) heard.undecodable = err.message;
  });
  session.dgram.on('message', () => heard.datagrams++);
  heardOn.set(session, heard);
  return session;
}

/** What came back on a session's socket, answers or not: a timeout after replies is a malformed reply. */
interface Heard {
  datagrams: number;
  /** Why the last datagram could not be decoded. */
  undecodable?: string;
}
const heardOn = new WeakMap<Session, Heard>();

export function heard(session: Session): Readonly<Heard> {
  return heardOn.get(session) ?? { datagrams: 0 };
}

function v3User(c: Extract<Credential, { version: 'v3' }>): User {
  const level = c.privKey
    ? snmp.SecurityLevel.authPriv
    : c.authKey
      ? snmp.SecurityLevel.authNoPriv
      : snmp.SecurityLevel.noAuthNoPriv;
  const user: User = { name: c.user, level };
  if (c.authKey) {
    user.authProtocol = snmp.AuthProtocols[c.authProtocol ?? 'sha'];
    user.authKey = c.authKey;
  }
  if (c.privKey) {
    user.privProtocol = snmp.PrivProtocols[c.privProtocol ?? 'aes'];
    user.privKey = c.privKey;
  }
  return user;
}
