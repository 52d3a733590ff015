// Liveness never blames an agent for the server's own stall: a beat counts from the moment its request
// arrived, not from when the database got round to recording it. Every agent request (all of them
// count as beats) is noted on arrival — before any database work — under the agent it authenticated
// as before; the sweep reads these arrivals beside the stored last-seen times and leaves alone an agent
// whose request is still being handled.
import type { FastifyRequest } from 'fastify';
import { hashSecret } from '../security/tokens.ts';

const ARRIVED = Symbol('agent request arrival');
type Stamped = FastifyRequest & { [ARRIVED]?: { at: number; agentId?: string } };

export class BeatArrivals {
  /** Key hash → agent id, learnt from successful authentications (so a key is hashed, never kept). */
  readonly #agentOfKey = new Map<string, string>();
  readonly #last = new Map<string, number>();
  readonly #inFlight = new Map<string, number>();

  /** onRequest of an agent route: stamps the arrival, and counts it for the agent if the key is known. */
  arrive(req: FastifyRequest, at = Date.now()): void {
    const key = /^Agent\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const agentId = key === undefined ? undefined : this.#agentOfKey.get(hashSecret(key));
    (req as Stamped)[ARRIVED] = { at };
    if (agentId) this.#count(req, agentId);
  }

  /** After authentication: the request was this agent's (also its first, before the key was known). */
  authenticated(req: FastifyRequest, keyHash: string, agentId: string): void {
    this.#agentOfKey.set(keyHash, agentId);
    const stamp = (req as Stamped)[ARRIVED];
    if (stamp && stamp.agentId === undefined) this.#count(req, agentId);
  }

  /** When the request arrived (now, for a request that was not stamped). */
  arrivedAt(req: FastifyRequest): number {
    return (req as Stamped)[ARRIVED]?.at ?? Date.now();
  }

  /** onResponse (and when the client goes away): the request is no longer waiting in the server. */
  done(req: FastifyRequest): void {
    const stamp = (req as Stamped)[ARRIVED];
    if (!stamp?.agentId) return;
    const n = (this.#inFlight.get(stamp.agentId) ?? 1) - 1;
    if (n > 0) this.#inFlight.set(stamp.agentId, n);
    else this.#inFlight.delete(stamp.agentId);
    stamp.agentId = undefined;
  }

  /** The newest arrival of a request from this agent, in ms since the epoch. */
  lastArrival(agentId: string): number | undefined {
    return this.#last.get(agentId);
  }

  /** True while a request of this agent is being handled (e.g. waiting for the database). */
  busy(agentId: string): boolean {
    return (this.#inFlight.get(agentId) ?? 0) > 0;
  }

  /** The agents with a request being handled now. */
  busyAgents(): string[] {
    return [...this.#inFlight.keys()];
  }

  #count(req: FastifyRequest, agentId: string): void {
    const stamp = (req as Stamped)[ARRIVED]!;
    stamp.agentId = agentId;
    this.#last.set(agentId, Math.max(this.#last.get(agentId) ?? 0, stamp.at));
    this.#inFlight.set(agentId, (this.#inFlight.get(agentId) ?? 0) + 1);
  }
}

/** One per process: every server instance in it sees the same agents' requests. */
export const beatArrivals = new BeatArrivals();
