// Reads this namespace's multicast state from the kernel (iproute2 JSON and procfs).
import { commandJson } from './command-json.ts';
import { readFileSync } from 'node:fs';
import type { KernelMcastState, MdbEntry, MrouteEntry } from './mib-rows.ts';

export function readKernelMcastState(): KernelMcastState {
  const ifIndex: Record<string, number> = {};
  for (const l of commandJson<{ ifname: string; ifindex: number }>('ip', ['-j', 'link', 'show']))
    ifIndex[l.ifname] = l.ifindex;
  const mdb = commandJson<{ mdb?: MdbEntry[] }>('bridge', ['-j', '-d', '-s', 'mdb', 'show']).flatMap(
    (b) => b.mdb ?? [],
  );
  const mroutes = commandJson<MrouteEntry>('ip', ['-j', '-s', '-6', 'mroute', 'show']);
  let mcForwarding = false;
  try {
    mcForwarding = readFileSync('/proc/sys/net/ipv6/conf/all/mc_forwarding', 'utf8').trim() === '1';
  } catch {
    // no IPv6 multicast routing support in this kernel
  }
  return { ifIndex, mdb, mroutes, mcForwarding };
}
