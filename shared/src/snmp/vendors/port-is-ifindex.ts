// The FDB rule several vendors share: the number in dot1dTpFdbPort / dot1qTpFdbPort is the ifIndex itself.
import type { FdbPortRule } from '../collectors/fdb-ports.ts';

export function portIsIfIndex(name: string, replacesBridgePorts = false): FdbPortRule {
  return {
    name,
    ...(replacesBridgePorts && { replacesBridgePorts }),
    resolve: (port, ifIndexes) => (ifIndexes.has(port) ? port : undefined),
  };
}
