// What to poll and with which credentials (the credential shape is the one the API and GUI share).
import type { SnmpCredentialInput } from '../targets/snmp-credential.ts';

/** A shared credential; SNMPv3 may name a context (e.g. a VRF); per-VLAN bridge walks replace it with `vlan-N`. */
export type Credential = SnmpCredentialInput & { context?: string };

export interface Target {
  address: string;
  port?: number;
  credential: Credential;
  /** How the run report names this target (default `address[:port]`); distinguishes one address polled with several credentials. */
  name?: string;
}

/** `address[:port]`, with IPv6 in brackets when a port is given. */
export function targetLabel(t: Pick<Target, 'address' | 'port' | 'name'>): string {
  if (t.name) return t.name;
  if (t.port === undefined || t.port === 161) return t.address;
  return t.address.includes(':') ? `[${t.address}]:${t.port}` : `${t.address}:${t.port}`;
}
