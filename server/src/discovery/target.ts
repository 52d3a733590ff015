// What to poll and with which credentials.

export type AuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type PrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r';

export type Credential =
  | { version: 'v1' | 'v2c'; community: string }
  | {
      version: 'v3';
      user: string;
      authProtocol?: AuthProtocol;
      authKey?: string;
      privProtocol?: PrivProtocol;
      privKey?: string;
      /** SNMPv3 context (e.g. a VRF); per-VLAN bridge walks replace it with `vlan-N`. */
      context?: string;
    };

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
