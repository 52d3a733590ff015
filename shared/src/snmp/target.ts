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

/**
 * The same address with several credentials needs distinct names in the report: `ADDRESS:PORT #N`, N the
 * credential's place among that address's targets — never the credential itself, which is secret.
 */
export function nameRepeatedTargets(targets: Pick<Target, 'address' | 'port' | 'name'>[]): void {
  const key = (t: Pick<Target, 'address' | 'port'>) => `${t.address}:${t.port ?? 161}`;
  const count = new Map<string, number>();
  for (const t of targets) count.set(key(t), (count.get(key(t)) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const t of targets) {
    if (count.get(key(t))! < 2) continue;
    const n = (seen.get(key(t)) ?? 0) + 1;
    seen.set(key(t), n);
    t.name = `${targetLabel({ ...t, name: undefined })} #${n}`;
  }
}
