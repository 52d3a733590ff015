// Optional kernel features the labs use, probed once per process. Machines of the same kind differ in
// their kernel build (some lack IPv6 multicast routing), so a lab runs what it can and skips only the
// scenarios that need a missing feature, with one loud line naming the kernel option.
//
// NETSPOTTER_LAB_HIDE_FEATURES=ipv6-mroute[,…] makes a present feature read as missing, so the
// skip path is tested on machines that have it.
import { appendFileSync, existsSync } from 'node:fs';

export interface KernelFeature {
  /** What the labs call it. */
  name: string;
  /** The kernel build option that provides it. */
  option: string;
  /** What a lab loses without it. */
  needs: string;
  probe: () => boolean;
}

export const KERNEL_FEATURES = {
  'ipv6-mroute': {
    name: 'IPv6 multicast routing',
    option: 'CONFIG_IPV6_MROUTE',
    needs:
      'routed multicast (smcroute on a lab router, IPMCAST-MIB routes, routed tree branches, hop count 1)',
    // The kernel lists the multicast routing tables only when it can route multicast.
    probe: () => existsSync('/proc/net/ip6_mr_vif'),
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
        : `this kernel has no ${f.name} (${f.option} is not set: the probe found no /proc/net/ip6_mr_vif)`;
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
