// The agent's local safety policy: limits set on the host that the server cannot override. A plan
// beyond them is refused as a whole, before anything is sent, with every reason listed.
import { Type, type Static } from 'typebox';
import { planDurationMs, stepNumber, type Plan } from '@netspotter/shared/agent-protocol';

export const PolicySchema = Type.Object(
  {
    /** Interfaces jobs may use; empty or unset: any. */
    interfaces: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 15 }))),
    maxPps: Type.Optional(Type.Integer({ minimum: 1 })),
    maxBitsPerSecond: Type.Optional(Type.Integer({ minimum: 1 })),
    maxDurationMs: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type Policy = Static<typeof PolicySchema>;

export function policyRefusals(plan: Plan, policy: Policy): string[] {
  const reasons: string[] = [];
  const allowed = policy.interfaces?.length ? new Set(policy.interfaces) : undefined;
  for (const s of plan.steps) {
    if ('interface' in s && allowed && !allowed.has(s.interface)) {
      reasons.push(
        `step ${stepNumber(s)}: interface ${s.interface} is not allowed by local policy (allowed: ${[...allowed].join(', ')})`,
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
