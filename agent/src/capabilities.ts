// The Linux capabilities the agent needs, read from this process's effective set: CAP_NET_RAW opens the
// raw packet sockets every send and capture uses; CAP_NET_ADMIN sets interfaces up for capture
// (promiscuous mode, timestamping). Missing ones are named in every message about an interface that
// could not be opened, with how to grant them.
import { readFileSync } from 'node:fs';

export const NEEDED = { CAP_NET_RAW: 13n, CAP_NET_ADMIN: 12n } as const;
export type NeededCapability = keyof typeof NEEDED;

/** The needed capabilities this process lacks (from /proc/self/status CapEff); all when it cannot tell. */
export function missingCapabilities(status?: string): NeededCapability[] {
  let text = status;
  try {
    text ??= readFileSync('/proc/self/status', 'utf8');
  } catch {
    return Object.keys(NEEDED) as NeededCapability[];
  }
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(text);
  const eff = m ? BigInt(`0x${m[1]}`) : 0n;
  return (Object.keys(NEEDED) as NeededCapability[]).filter((c) => ((eff >> NEEDED[c]) & 1n) === 0n);
}

export const hasCapability = (c: NeededCapability, status?: string) =>
  !missingCapabilities(status).includes(c);

const GRANT =
  'run the agent as its systemd unit (AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN), or grant them with ' +
  '`setcap cap_net_raw,cap_net_admin+ep` on its executable';

/**
 * Why an interface could not be opened, naming the missing capability when permissions were the reason
 * (`err.code` EPERM/EACCES, or a reason text saying so).
 */
export function interfaceError(ifname: string, reason: string, code?: string, status?: string): string {
  const denied = code === 'EPERM' || code === 'EACCES' || /not permitted|permission denied/i.test(reason);
  if (!denied) return `cannot open interface ${ifname}: ${reason}`;
  const missing = missingCapabilities(status);
  const which = missing.includes('CAP_NET_RAW') ? ['CAP_NET_RAW'] : missing;
  return which.length
    ? `cannot open interface ${ifname}: missing capability ${which.join(' and ')} (${reason}); ${GRANT}`
    : `cannot open interface ${ifname}: ${reason} (the agent has CAP_NET_RAW and CAP_NET_ADMIN; a security module may deny it)`;
}

/** A start-up warning when capabilities are missing, or undefined. */
export function capabilityWarning(status?: string): string | undefined {
  const missing = missingCapabilities(status);
  if (!missing.length) return undefined;
  return `missing capability ${missing.join(' and ')}: ${missing.includes('CAP_NET_RAW') ? 'no packet can be sent or captured' : 'capture may fail'}; ${GRANT}`;
}
