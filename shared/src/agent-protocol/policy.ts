// The agent's local safety policy: limits set on the host that the server cannot override. The agent
// refuses work beyond them; it reports them in its host facts, so the server can refuse such work up
// front (a monitor whose beacon rate or interface the policy forbids) with the field named.
import Type, { type Static } from 'typebox';

export const AgentPolicySchema = Type.Object(
  {
    /** Interfaces jobs and monitors may use; empty or unset: any. */
    interfaces: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 15 }))),
    maxPps: Type.Optional(Type.Integer({ minimum: 1 })),
    maxBitsPerSecond: Type.Optional(Type.Integer({ minimum: 1 })),
    maxDurationMs: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Beacons per second over all monitors (unset: maxPps, if set). */
    maxBeaconPps: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false },
);
export type AgentPolicy = Static<typeof AgentPolicySchema>;

/** The beacon rate the policy allows in all (undefined: no limit). */
export const beaconLimit = (p: AgentPolicy): number | undefined => p.maxBeaconPps ?? p.maxPps;

/** Whether the policy lets work use this interface. */
export const interfaceAllowed = (p: AgentPolicy, ifname: string): boolean =>
  !p.interfaces?.length || p.interfaces.includes(ifname);
