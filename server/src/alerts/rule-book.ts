// Which alerts fire and clear as events come in (pure; the engine does the storing and sending).
//
// A rule watches conditions: events of its kinds on subjects its filters admit. A `raised` event starts
// the condition on its subject, `cleared` ends it (for cell-state events, a state outside the rule's
// states ends it too); the alert fires once the condition has held for the rule's duration and resolves
// when it ends. So a cell that is lost for less than the duration (a redundant path failing over) never
// fires; the failover's own tree or topology change is a `change` event, notified once as a change
// alert that is resolved at once. An alert on a monitor's cell fires suppressed (stored, not sent) while
// a device upstream on its expected path is known unreachable.
import type { AlertSeverity, EventCondition, EventKind } from '@netspotter/shared/api';

export interface BookEvent {
  at: number;
  kind: EventKind;
  subject: string;
  condition: EventCondition;
  monitorId?: string | null;
  groupId?: string | null;
  deviceId?: string | null;
  agentId?: string | null;
  /** cell-state: the state the cell went to. */
  state?: string;
  /** The multicast flow the subject receives (cells): whose tree suppression and incidents look at. */
  flow?: { group: string; source?: string };
  /** Devices upstream of the subject (a cell: the hops of its receiver's expected path), source side first. */
  upstream?: readonly string[];
  summary: string;
}

export interface BookRule {
  id: string;
  name: string;
  enabled: boolean;
  kinds: EventKind[];
  states: string[];
  monitorId: string | null;
  groupId: string | null;
  deviceId: string | null;
  agentId: string | null;
  forSeconds: number;
  severity: AlertSeverity;
}

export type BookAction =
  | { type: 'fire'; key: string; rule: BookRule; event: BookEvent; since: number; suppressedBy?: string }
  | { type: 'resolve'; key: string; rule: BookRule; event: BookEvent }
  | { type: 'change'; rule: BookRule; event: BookEvent };

const admits = (r: BookRule, e: BookEvent) =>
  r.enabled &&
  r.kinds.includes(e.kind) &&
  (r.monitorId === null || r.monitorId === e.monitorId) &&
  (r.groupId === null || r.groupId === e.groupId) &&
  (r.deviceId === null || r.deviceId === e.deviceId) &&
  (r.agentId === null || r.agentId === e.agentId);

/** Does the event hold the rule's condition on its subject (true), end it (false), or neither? */
function holds(r: BookRule, e: BookEvent): boolean | undefined {
  if (e.condition === 'note' || e.condition === 'change') return undefined;
  if (e.condition === 'cleared') return false;
  return e.kind !== 'cell-state' || r.states.includes(e.state ?? '');
}

export const alertKey = (ruleId: string, e: Pick<BookEvent, 'kind' | 'subject'>) =>
  `${ruleId}|${e.kind}|${e.subject}`;

export class RuleBook {
  #rules: BookRule[] = [];
  readonly #pending = new Map<string, { rule: BookRule; event: BookEvent; since: number }>();
  readonly #firing = new Set<string>();
  /** Devices currently known unreachable. */
  readonly #unreachable = new Set<string>();

  setRules(rules: BookRule[]): void {
    this.#rules = rules;
    // A rule that went away (or was disabled) stops its pending conditions; firing alerts stay until cleared.
    const live = new Set(rules.filter((r) => r.enabled).map((r) => r.id));
    for (const [k, p] of this.#pending) if (!live.has(p.rule.id)) this.#pending.delete(k);
  }

  /** Alerts already firing (after a restart): their clear must resolve them. */
  restore(keys: Iterable<string>): void {
    for (const k of keys) this.#firing.add(k);
  }

  /** An alert resolved by hand: a later clear has nothing to resolve, a new raise fires again. */
  forget(key: string): void {
    this.#firing.delete(key);
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  onEvent(e: BookEvent, now: number): BookAction[] {
    if (e.kind === 'device-unreachable' && e.deviceId) {
      if (e.condition === 'raised') this.#unreachable.add(e.deviceId);
      if (e.condition === 'cleared') this.#unreachable.delete(e.deviceId);
    }
    const out: BookAction[] = [];
    for (const rule of this.#rules) {
      if (!admits(rule, e)) continue;
      if (e.condition === 'change') {
        out.push({ type: 'change', rule, event: e });
        continue;
      }
      const h = holds(rule, e);
      if (h === undefined) continue;
      const key = alertKey(rule.id, e);
      if (h) {
        if (this.#firing.has(key) || this.#pending.has(key)) continue;
        this.#pending.set(key, { rule, event: e, since: e.at });
      } else {
        this.#pending.delete(key);
        if (this.#firing.delete(key)) out.push({ type: 'resolve', key, rule, event: e });
      }
    }
    return [...out, ...this.due(now)];
  }

  /** Pending conditions that have held for their rule's duration fire. */
  due(now: number): BookAction[] {
    const out: BookAction[] = [];
    for (const [key, p] of this.#pending) {
      if (p.since + p.rule.forSeconds * 1000 > now) continue;
      this.#pending.delete(key);
      this.#firing.add(key);
      const dark = p.event.upstream?.find((d) => this.#unreachable.has(d));
      out.push({
        type: 'fire',
        key,
        rule: p.rule,
        event: p.event,
        since: p.since,
        ...(dark !== undefined && { suppressedBy: `upstream device ${dark} is unreachable` }),
      });
    }
    return out;
  }
}
