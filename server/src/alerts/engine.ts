// The alert engine: stores events, runs them through the rule book, and carries out what it decides:
// alerts (with their incidents) stored when they fire, resolved when their condition clears or by hand,
// changes stored and notified once; notifications go out through the dispatcher without waiting for
// them. One queue keeps events and timer checks in order.
import { setImmediate as turn } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Alert as AlertOut, Incident } from '@netspotter/shared/api';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/connect.ts';
import { batches } from '../db/batches.ts';
import { readJson, toJson, toJsonOrNull } from '../db/json-column.ts';
import { conflict } from '../domain-errors.ts';
import { STEP } from '../steps.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { channelSender } from '../services/alert-channels.ts';
import { listRules, toBookRule } from '../services/alert-rules.ts';
import { getAlert, TimelineSchema, toPublicAlert } from '../services/alerts.ts';
import { audited, type Actor } from '../services/audit.ts';
import { Dispatcher } from './dispatch.ts';
import { notificationOf, type Transition } from './notification.ts';
import { RuleBook, type BookAction, type BookEvent, type BookRule } from './rule-book.ts';

export interface NewEvent extends BookEvent {
  details?: Record<string, unknown>;
}

const CHECK_EVERY_MS = 1000;
const EVENT_BATCH = 500;

/** A cell subject's monitor and cell number. */
export const cellSubject = (monitorId: string, cellNo: number) => `cell:${monitorId}:${cellNo}`;
const cellOf = (subject: string) => {
  const m = /^cell:(.+):(\d+)$/.exec(subject);
  return m ? { monitorId: m[1]!, cellNo: Number(m[2]) } : undefined;
};

export class AlertEngine {
  readonly book: RuleBook;
  readonly dispatcher: Dispatcher;
  #queue: Promise<void> = Promise.resolve();
  #timer?: NodeJS.Timeout;
  readonly #fireListeners: ((alert: AlertOut, event: BookEvent) => void)[] = [];

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    config: Config,
    private readonly log: FastifyBaseLogger,
    private readonly trees: {
      /** Devices upstream of a raised condition's subject (suppression); [] when unknown. */
      upstreamOf(e: BookEvent): Promise<readonly string[]>;
      treesOf(e: BookEvent): Incident['tree'];
    } = { upstreamOf: async () => [], treesOf: () => null },
  ) {
    this.book = new RuleBook();
    this.dispatcher = new Dispatcher(log, config.alertRetryBaseMs, config.alertAttempts);
  }

  async start(): Promise<void> {
    await this.reloadRules();
    const open = await this.db.prisma.alert.findMany({
      where: { state: 'firing', change: false },
      select: { key: true },
    });
    this.book.restore(open.map((a) => a.key));
    // A failed step is logged by the queue.
    this.#timer = setInterval(
      () => void this.#enqueue(() => this.#apply(this.book.due(Date.now()))).catch(() => undefined),
      CHECK_EVERY_MS,
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#queue;
    await this.dispatcher.stop();
  }

  /** Alerts as they fire (localisation starts here). */
  onFire(fn: (alert: AlertOut, event: BookEvent) => void): void {
    this.#fireListeners.push(fn);
  }

  reloadRules(): Promise<void> {
    return this.#enqueue(async () => this.book.setRules((await listRules(this.db)).map(toBookRule)));
  }

  /**
   * Stores the events and acts on them, in order. A monitor's first interval brings one event per cell
   * (20,000 at once): stored a batch per statement with the rows as one JSON argument through `pg` itself
   * (Prisma's createMany cost about 0.15 ms a row on the event loop: blocks of ~90 ms per batch of 500),
   * and the rule book handles them a step at a time.
   */
  record(events: NewEvent[]): Promise<void> {
    if (!events.length) return Promise.resolve();
    return this.#enqueue(async () => {
      for (const batch of batches(events, EVENT_BATCH)) await this.#store(batch);
      for (const [i, e] of events.entries()) {
        if (i > 0 && i % STEP === 0) await turn();
        const upstream = e.condition === 'raised' ? await this.trees.upstreamOf(e) : [];
        await this.#apply(this.book.onEvent(upstream.length ? { ...e, upstream } : e, Date.now()));
      }
    });
  }

  async #store(batch: NewEvent[]): Promise<void> {
    const rows = batch.map((e, n) => ({
      n,
      at: new Date(e.at), // UTC in JSON, as the column is
      kind: e.kind,
      subject: e.subject,
      condition: e.condition,
      monitor_id: e.monitorId ?? null,
      group_id: e.groupId ?? null,
      device_id: e.deviceId ?? null,
      agent_id: e.agentId ?? null,
      summary: e.summary,
      // The state and flow are kept: an alert's localisation resumes from them after a restart.
      details: {
        ...e.details,
        ...(e.state !== undefined && { state: e.state }),
        ...(e.flow && { flow: e.flow }),
      },
    }));
    await this.db.pool.query(
      `INSERT INTO events (at, kind, subject, condition, monitor_id, group_id, device_id, agent_id, summary, details)
       SELECT at, kind, subject, condition, monitor_id, group_id, device_id, agent_id, summary, details
       FROM jsonb_to_recordset($1::jsonb) AS v(n int, at timestamp(3), kind text, subject text, condition text,
         monitor_id text, group_id text, device_id text, agent_id text, summary text, details jsonb)
       ORDER BY n`,
      [JSON.stringify(rows)],
    );
  }

  #enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(job);
    this.#queue = run.catch((err) => this.log.error({ err }, 'alert engine step failed'));
    return run;
  }

  async #apply(actions: BookAction[]): Promise<void> {
    for (const a of actions) {
      if (a.type === 'fire') await this.#fire(a.key, a.rule, a.event, a.since, a.suppressedBy);
      else if (a.type === 'change') await this.#change(a.rule, a.event);
      else await this.#resolve(a.key, a.event.at, 'cleared', 'resolved: the condition cleared');
    }
  }

  async #create(
    rule: BookRule,
    e: BookEvent,
    key: string,
    since: number,
    change: boolean,
    suppressedBy?: string,
  ) {
    const now = new Date();
    const cell = cellOf(e.subject);
    const alert = await this.db.prisma.$transaction(async (tx) => {
      const a = await tx.alert.create({
        data: {
          ruleId: rule.id,
          ruleName: rule.name,
          key,
          kind: e.kind,
          subject: e.subject,
          severity: rule.severity,
          state: change ? 'resolved' : 'firing',
          change,
          suppressedBy: suppressedBy ?? null,
          summary: e.summary,
          since: new Date(since),
          firedAt: now,
          ...(change && { resolvedAt: now, resolvedBy: 'change' }),
        },
      });
      const what = change
        ? 'change reported'
        : `fired${suppressedBy ? ` (suppressed: ${suppressedBy})` : ''}`;
      await tx.incident.create({
        data: {
          alertId: a.id,
          openedAt: now,
          ...(change && { closedAt: now }),
          timeline: toJson([{ at: now.toISOString(), what: `${what}: ${rule.name} (${rule.severity})` }]),
          affectedCells: toJson(cell && e.state ? [{ ...cell, state: e.state }] : []),
          tree: toJsonOrNull(this.trees.treesOf(e)),
        },
      });
      return a;
    });
    return toPublicAlert(await getAlert(this.db, alert.id));
  }

  async #fire(key: string, rule: BookRule, e: BookEvent, since: number, suppressedBy?: string) {
    const alert = await this.#create(rule, e, key, since, false, suppressedBy);
    this.log.info({ alert: alert.id, rule: rule.name, subject: e.subject, suppressedBy }, 'alert fired');
    if (!suppressedBy) await this.#notify(alert, rule.id, 'fired');
    for (const l of this.#fireListeners) l(alert, e);
  }

  async #change(rule: BookRule, e: BookEvent) {
    const alert = await this.#create(rule, e, `${rule.id}|${e.kind}|${e.subject}`, e.at, true);
    await this.#notify(alert, rule.id, 'change');
  }

  /** Resolves the firing alert of a condition; `by` is 'cleared' or a user. */
  async #resolve(key: string, at: number, by: string, what: string, actor?: Actor) {
    const a = await this.db.prisma.alert.findFirst({
      where: { key, state: 'firing', change: false },
      include: { incident: true },
    });
    if (!a) return;
    const when = new Date(Math.max(at, a.firedAt.getTime()));
    const write = async (tx: Parameters<Parameters<Database['prisma']['$transaction']>[0]>[0]) => {
      await tx.alert.update({
        where: { id: a.id },
        data: { state: 'resolved', resolvedAt: when, resolvedBy: by },
      });
      if (a.incident)
        await tx.incident.update({
          where: { id: a.incident.id },
          data: {
            closedAt: when,
            timeline: toJson([
              ...readJson(TimelineSchema, a.incident.timeline, 'incidents.timeline'),
              { at: when.toISOString(), what },
            ]),
          },
        });
    };
    if (actor)
      await audited(this.db, actor, async (tx, audit) => {
        await write(tx);
        await audit('resolve', 'alert', a.id, { rule: a.ruleName, subject: a.subject });
      });
    else await this.db.prisma.$transaction(write);
    const alert = toPublicAlert(await getAlert(this.db, a.id));
    this.log.info({ alert: a.id, rule: a.ruleName, subject: a.subject, by }, 'alert resolved');
    if (!a.suppressedBy && a.ruleId) await this.#notify(alert, a.ruleId, 'resolved');
  }

  /** A user resolves a firing alert: notified like a clear; a later raise fires a new alert. */
  resolveByHand(id: string, by: Actor): Promise<AlertOut> {
    return new Promise((resolve, reject) => {
      void this.#enqueue(async () => {
        try {
          const a = await getAlert(this.db, id);
          if (a.state !== 'firing') throw conflict('id', 'alert already resolved');
          await this.#resolve(a.key, Date.now(), by.username, `resolved by ${by.username}`, by);
          this.book.forget(a.key);
          resolve(toPublicAlert(await getAlert(this.db, id)));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
  }

  async #notify(alert: AlertOut, ruleId: string, transition: Transition) {
    const rule = await this.db.prisma.alertRule.findUnique({
      where: { id: ruleId },
      select: { channelIds: true },
    });
    if (!rule?.channelIds.length) return;
    const channels = await this.db.prisma.alertChannel.findMany({
      where: { id: { in: rule.channelIds }, enabled: true },
    });
    const n = notificationOf(alert, transition);
    for (const c of channels) {
      const s = channelSender(this.secrets, c);
      this.dispatcher.deliver({
        channelId: c.id,
        channelName: c.name,
        target: s.target,
        about: `${alert.id} ${transition}`,
        send: () => s.send(n),
      });
    }
  }
}
