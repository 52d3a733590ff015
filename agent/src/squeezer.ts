// Squeezes repeated identical error events with a leaky bucket per message: the first `burst` pass at
// once; after that, repeats are counted and sent as one event with the count when drained. The
// bucket leaks `perSecond` tokens a second, so a message that stops repeating is sent normally again.
import type { AgentEvent } from '@netspotter/shared/agent-protocol';

interface Bucket {
  level: number;
  at: number;
  held?: AgentEvent;
}

export class EventSqueezer {
  readonly #buckets = new Map<string, Bucket>();
  readonly #out: AgentEvent[] = [];

  constructor(
    private readonly burst = 3,
    private readonly perSecond = 0.2,
    private readonly now: () => number = Date.now,
  ) {}

  report(message: string): void {
    const t = this.now();
    const b = this.#buckets.get(message) ?? { level: 0, at: t };
    b.level = Math.max(0, b.level - ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    if (b.level + 1 <= this.burst) {
      b.level += 1;
      this.#out.push({ message, count: 1, firstAt: t, lastAt: t });
    } else if (b.held) {
      b.held.count += 1;
      b.held.lastAt = t;
    } else {
      b.held = { message, count: 1, firstAt: t, lastAt: t };
    }
    this.#buckets.set(message, b);
  }

  /** Events to send now: the ones that passed, plus one per squeezed message carrying its count. */
  drain(): AgentEvent[] {
    const out = this.#out.splice(0);
    for (const b of this.#buckets.values()) {
      if (b.held) out.push(b.held);
      b.held = undefined;
    }
    return out;
  }
}
