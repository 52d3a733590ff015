// The agent's local safety policy: limits set on the host that the server cannot override. A plan
// beyond them is refused as a whole, before anything is sent, with every reason listed.
import {
  interfaceAllowed,
  planDurationMs,
  stepNumber,
  type AgentPolicy,
  type Plan,
} from '@netspotter/shared/agent-protocol';

export function policyRefusals(plan: Plan, policy: AgentPolicy): string[] {
  const reasons: string[] = [];
  for (const s of plan.steps) {
    if ('interface' in s && !interfaceAllowed(policy, s.interface)) {
      reasons.push(
        `step ${stepNumber(s)}: interface ${s.interface} is not allowed by local policy (allowed: ${policy.interfaces!.join(', ')})`,
      );
    }
    const rate =
      s.op === 'stream'
        ? { pps: s.pps, bytes: s.frameSize }
        : s.op === 'send' && s.intervalMs > 0
          ? { pps: 1000 / s.intervalMs, bytes: 0 }
          : undefined;
    if (rate && policy.maxPps !== undefined && rate.pps > policy.maxPps) {
      reasons.push(
        `step ${stepNumber(s)}: rate ${Math.round(rate.pps)} pps is above the local maximum ${policy.maxPps} pps`,
      );
    }
    if (
      rate &&
      rate.bytes &&
      policy.maxBitsPerSecond !== undefined &&
      rate.pps * rate.bytes * 8 > policy.maxBitsPerSecond
    ) {
      reasons.push(
        `step ${stepNumber(s)}: rate ${Math.round(rate.pps * rate.bytes * 8)} bit/s is above the local maximum ${policy.maxBitsPerSecond} bit/s`,
      );
    }
    if (
      s.op === 'send' &&
      s.intervalMs === 0 &&
      s.count > 1 &&
      policy.maxPps !== undefined &&
      s.count > policy.maxPps
    ) {
      reasons.push(
        `step ${stepNumber(s)}: ${s.count} back-to-back frames exceed the local maximum ${policy.maxPps} pps`,
      );
    }
  }
  const duration = planDurationMs(plan);
  if (policy.maxDurationMs !== undefined && duration > policy.maxDurationMs) {
    reasons.push(`plan runs up to ${duration} ms, above the local maximum ${policy.maxDurationMs} ms`);
  }
  return reasons;
}
