// What the device report says about snooping state.
import type { SnoopingFacts } from './facts.ts';
import type { WalkIssue } from './poller/walker.ts';

/**
 * A VLAN that snoops but hears no querier: listeners age out of the snooping table after the group timeout,
 * and then the switch floods the groups or stops them, depending on the vendor.
 */
export function querierIssues(s: SnoopingFacts): WalkIssue[] {
  return s.vlans
    .filter((v) => v.enabled && !v.querier && !v.selfQuerier)
    .map((v) => ({
      table: 'snooping',
      reason: `VLAN ${v.vlan}: snooping on and no querier (${s.mib}): listeners age out, groups flood or stop`,
    }));
}
