// Reads this namespace's interface statistics (`ip -j -s link show`) and the lab's per-port multicast
// counters (nftables table `netspotter_counters`, bridge family on a bridge, inet on a router; rules
// commented `rx <port>` / `tx <port>`).
import { commandJson } from './command-json.ts';
import type { InterfaceStatistics, KernelCounterState } from './if-counter-rows.ts';

export const COUNTER_TABLE = 'netspotter_counters';

interface IpLinkStats {
  ifname: string;
  ifindex: number;
  stats64?: { rx: InterfaceStatistics['rx']; tx: InterfaceStatistics['tx'] };
}

interface NftItem {
  rule?: { comment?: string; expr?: { counter?: { packets: number } }[] };
}

export function readKernelCounterState(): KernelCounterState {
  const interfaces = commandJson<IpLinkStats>('ip', ['-j', '-s', 'link', 'show']).flatMap((l) =>
    l.stats64 ? [{ ifname: l.ifname, ifIndex: l.ifindex, rx: l.stats64.rx, tx: l.stats64.tx }] : [],
  );
  const multicast: KernelCounterState['multicast'] = {};
  // `nft -j` prints one object, not a list: commandJson hands it back as is.
  const listed = (family: string) =>
    (
      commandJson<NftItem>('nft', ['-j', 'list', 'table', family, COUNTER_TABLE]) as unknown as {
        nftables?: NftItem[];
      }
    ).nftables ?? [];
  for (const item of ['bridge', 'inet'].flatMap(listed)) {
    const [direction, port] = item.rule?.comment?.split(' ') ?? [];
    const packets = item.rule?.expr?.find((e) => e.counter)?.counter?.packets;
    if ((direction === 'rx' || direction === 'tx') && port && packets !== undefined)
      multicast[port] = { ...multicast[port], [direction]: packets };
  }
  return { interfaces, multicast };
}
