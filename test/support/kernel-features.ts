// Optional kernel features the labs use, probed once per process. Machines of the same kind differ in
// their kernel build (some lack IPv6 multicast routing), so a lab runs what it can and skips only the
// scenarios that need a missing feature, with one loud line naming the kernel option.
//
// NETSPOTTER_LAB_HIDE_FEATURES=ipv6-mroute[,…] makes a present feature read as missing, so the
// skip path is tested on machines that have it.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';

export interface KernelFeature {
  /** What the labs call it. */
  name: string;
  /** The kernel build option that provides it. */
  option: string;
  /** What a lab loses without it. */
  needs: string;
  /** What the probe found when the feature is missing. */
  absent: string;
  probe: () => boolean;
}

/** Whether `ip link add` accepts these arguments, tried in a namespace of its own (removed again). */
function linkAccepted(args: string[]): boolean {
  const ns = `nsprobe${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', ns], { stdio: 'ignore' });
    execFileSync('ip', ['-n', ns, 'link', 'add', ...args], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // never made
    }
  }
}

export const KERNEL_FEATURES = {
  'ipv6-mroute': {
    name: 'IPv6 multicast routing',
    option: 'CONFIG_IPV6_MROUTE',
    needs:
      'routed multicast (smcroute on a lab router, IPMCAST-MIB routes, routed tree branches, hop count 1)',
    absent: 'the probe found no /proc/net/ip6_mr_vif',
    // The kernel lists the multicast routing tables only when it can route multicast.
    probe: () => existsSync('/proc/net/ip6_mr_vif'),
  },
  'bridge-vlan-filtering': {
    name: 'VLAN filtering in the Linux bridge',
    option: 'CONFIG_BRIDGE_VLAN_FILTERING',
    needs: 'the VLAN-aware bridge (vlan_filtering 1) and the per-port VLANs discovered through Q-BRIDGE-MIB',
    absent: "the probe's `ip link add … type bridge vlan_filtering 1` was refused",
    probe: () => linkAccepted(['br0', 'type', 'bridge', 'vlan_filtering', '1']),
  },
} satisfies Record<string, KernelFeature>;

export type KernelFeatureName = keyof typeof KERNEL_FEATURES;

const seen = new Map<KernelFeatureName, string | undefined>();

/**
 * Why `feature` is unavailable on this kernel (announced loudly, once per process), or undefined when it
 * is there. `scenario` names what is skipped for it.
 */
export function missingKernelFeature(feature: KernelFeatureName, scenario: string): string | undefined {
  if (!seen.has(feature)) {
    const f = KERNEL_FEATURES[feature];
    const hidden = (process.env.NETSPOTTER_LAB_HIDE_FEATURES ?? '').split(',').includes(feature);
    const why = hidden
      ? `${f.name} hidden by NETSPOTTER_LAB_HIDE_FEATURES`
      : f.probe()
        ? undefined
        : `this kernel has no ${f.name} (${f.option} is not set: ${f.absent})`;
    seen.set(feature, why);
  }
  const why = seen.get(feature);
  if (why) {
    const line = `SKIPPED (kernel): ${scenario} — ${why}; skipped: ${KERNEL_FEATURES[feature].needs}`;
    console.warn(`\n!!! ${line}\n`);
    // `npm test` repeats these lines beside its summary (scripts/test.mjs).
    if (process.env.NETSPOTTER_SKIP_LOG) appendFileSync(process.env.NETSPOTTER_SKIP_LOG, `${line}\n`);
  }
  return why;
}
