// When a long-poll (a lease, a remote poll) gives up waiting.

/**
 * A random point of the wait's last fifth: agents started together (a site powered up, a server restart)
 * would otherwise renew their polls in lockstep, a burst of thousands of requests every `waitMs`; spread,
 * the renewals arrive evenly. The protocol promises "up to waitMs".
 */
export const longPollEnd = (waitMs: number, now = Date.now()): number =>
  now + waitMs * (0.8 + 0.2 * Math.random());
