// Reads this namespace's multicast state from the kernel (iproute2 JSON and procfs).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { KernelMcastState, MdbEntry, MrouteEntry } from './mib-rows.ts';

/** Parsed JSON output of a command; [] when it fails or prints nothing (no bridge, no mroute table). */
function json<T>(cmd: string, args: string[]): T[] {
  try {
    return JSON.parse(
      execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) || '[]',
    ) as T[];
  } catch {
    return [];
  }
}

export function readKernelMcastState(): KernelMcastState {
  const ifIndex: Record<string, number> = {};
  for (const l of json<{ ifname: string; ifindex: number }>('ip', ['-j', 'link', 'show']))
    ifIndex[l.ifname] = l.ifindex;
  const mdb = json<{ mdb?: MdbEntry[] }>('bridge', ['-j', '-d', '-s', 'mdb', 'show']).flatMap(
    (b) => b.mdb ?? [],
  );
  const mroutes = json<MrouteEntry>('ip', ['-j', '-s', '-6', 'mroute', 'show']);
  let mcForwarding = false;
  try {
    mcForwarding = readFileSync('/proc/sys/net/ipv6/conf/all/mc_forwarding', 'utf8').trim() === '1';
  } catch {
    // no IPv6 multicast routing support in this kernel
  }
  return { ifIndex, mdb, mroutes, mcForwarding };
}
