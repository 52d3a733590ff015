// FDB rows → ifIndex: the bridge port through dot1dBasePortIfIndex, else the vendor's documented rule for
// port numbers that are not bridge ports. Every row is counted: kept, resolved by a rule, or dropped with
// the reason (the row stays in the facts without an ifIndex).
import type { FdbEntry, FdbPortReport } from '../facts.ts';

/** A vendor's rule for FDB port numbers the bridge-port map does not know (see vendors/). */
export interface FdbPortRule {
  /** Shown in the report as the reason the row was resolved. */
  name: string;
  /** The vendor's FDB port numbers are never bridge ports: the rule applies to every row. */
  replacesBridgePorts?: boolean;
  resolve(port: number, ifIndexes: ReadonlySet<number>): number | undefined;
}

export const DROP_PORT_ZERO = 'port 0: not learned on a port (the bridge itself or its CPU)';
export const DROP_NEGATIVE = 'negative port number: not a bridge port';
export const DROP_NO_PORT = 'no port column';
export const DROP_UNMAPPED = 'bridge port not in dot1dBasePortIfIndex';

/** Sets `ifIndex` on the rows it can map (rows already mapped are kept as they are) and counts them all. */
export function resolveFdbPorts(
  fdb: FdbEntry[],
  portIfIndex: Record<string, number>,
  ifIndexes: ReadonlySet<number>,
  rule: FdbPortRule | undefined,
): FdbPortReport {
  const report: FdbPortReport = { kept: 0, resolved: {}, dropped: {} };
  const count = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);
  for (const e of fdb) {
    if (e.ifIndex !== undefined) {
      report.kept++;
      continue;
    }
    if (e.port === undefined) count(report.dropped, DROP_NO_PORT);
    else if (e.port === 0) count(report.dropped, DROP_PORT_ZERO);
    else if (e.port < 0) count(report.dropped, DROP_NEGATIVE);
    else {
      const bridged = rule?.replacesBridgePorts ? undefined : portIfIndex[e.port];
      const ruled = bridged === undefined ? rule?.resolve(e.port, ifIndexes) : undefined;
      if (bridged !== undefined) {
        e.ifIndex = bridged;
        report.kept++;
      } else if (ruled !== undefined) {
        e.ifIndex = ruled;
        count(report.resolved, rule!.name);
      } else count(report.dropped, DROP_UNMAPPED);
    }
  }
  return report;
}
