// Alert rules over events: filters, the duration a condition must hold, auto-resolve, changes that are
// not outages, suppression behind an unreachable upstream device, and restarts.
import { describe, expect, it } from 'vitest';
import { RuleBook, type BookEvent, type BookRule } from './rule-book.ts';

const rule = (over: Partial<BookRule> = {}): BookRule => ({
  id: 'r1',
  name: 'cells',
  enabled: true,
  kinds: ['cell-state'],
  states: ['lost'],
  monitorId: null,
  groupId: null,
  deviceId: null,
  agentId: null,
  forSeconds: 10,
  severity: 'major',
  ...over,
});
const cell = (at: number, state: string, subject = 'cell:m1:3', monitorId = 'm1'): BookEvent => ({
  at,
  kind: 'cell-state',
  subject,
  condition: state === 'ok' ? 'cleared' : state === 'stale' ? 'note' : 'raised',
  monitorId,
  groupId: 'g1',
  state,
  summary: `cell ${state}`,
});
const types = (a: { type: string }[]) => a.map((x) => x.type);

describe('RuleBook', () => {
  it('fires once the condition held for the duration, and resolves on clear', () => {
    const book = new RuleBook();
    book.setRules([rule()]);
    expect(book.onEvent(cell(0, 'lost'), 0)).toEqual([]);
    expect(book.due(9_999)).toEqual([]);
    const fired = book.due(10_000);
    expect(fired).toMatchObject([{ type: 'fire', key: 'r1|cell-state|cell:m1:3', since: 0 }]);
    // Still lost: nothing new. A stale verdict is neither a raise nor a clear.
    expect(book.onEvent(cell(11_000, 'lost'), 11_000)).toEqual([]);
    expect(book.onEvent(cell(12_000, 'stale'), 12_000)).toEqual([]);
    expect(types(book.onEvent(cell(13_000, 'ok'), 13_000))).toEqual(['resolve']);
    expect(book.onEvent(cell(14_000, 'ok'), 14_000)).toEqual([]);
  });

  it('does not fire for a loss shorter than the duration (a failover), and reports the change itself', () => {
    const book = new RuleBook();
    book.setRules([rule(), rule({ id: 'r2', kinds: ['tree-change'], forSeconds: 0, severity: 'info' })]);
    book.onEvent(cell(0, 'lost'), 0);
    const change: BookEvent = {
      at: 2000,
      kind: 'tree-change',
      subject: 'group:m1:g1',
      condition: 'change',
      monitorId: 'm1',
      groupId: 'g1',
      summary: 'RPF moved from r1 to r2',
    };
    expect(book.onEvent(change, 2000)).toMatchObject([{ type: 'change', rule: { id: 'r2' } }]);
    expect(book.onEvent(cell(4000, 'ok'), 4000)).toEqual([]);
    expect(book.due(60_000)).toEqual([]);
    expect(book.pendingCount).toBe(0);
  });

  it('applies filters and states: a degraded cell or another monitor is not this rule’s condition', () => {
    const book = new RuleBook();
    book.setRules([rule({ monitorId: 'm1', forSeconds: 0 })]);
    expect(book.onEvent(cell(0, 'degraded'), 0)).toEqual([]);
    expect(book.onEvent(cell(0, 'lost', 'cell:m2:1', 'm2'), 0)).toEqual([]);
    expect(types(book.onEvent(cell(1, 'lost'), 1))).toEqual(['fire']);
    // Lost → degraded leaves the rule's states: the alert resolves.
    expect(types(book.onEvent(cell(2, 'degraded'), 2))).toEqual(['resolve']);
    book.setRules([rule({ enabled: false, forSeconds: 0 })]);
    expect(book.onEvent(cell(3, 'lost'), 3)).toEqual([]);
  });

  it('suppresses a cell alert while a device upstream on its path is unreachable', () => {
    const book = new RuleBook();
    const onPath = (e: BookEvent): BookEvent => ({ ...e, upstream: ['r1', 'br0'] });
    book.setRules([rule({ forSeconds: 0 })]);
    const device = (at: number, condition: 'raised' | 'cleared'): BookEvent => ({
      at,
      kind: 'device-unreachable',
      subject: 'device:br0',
      condition,
      deviceId: 'br0',
      summary: 'br0 unreachable',
    });
    book.onEvent(device(0, 'raised'), 0);
    expect(book.onEvent(onPath(cell(1, 'lost')), 1)).toMatchObject([
      { type: 'fire', suppressedBy: 'upstream device br0 is unreachable' },
    ]);
    book.onEvent(cell(2, 'ok'), 2);
    book.onEvent(device(3, 'cleared'), 3);
    const again = book.onEvent(onPath(cell(4, 'lost')), 4);
    expect(again).toHaveLength(1);
    expect(again[0]).not.toHaveProperty('suppressedBy');
  });

  it('resolves alerts restored after a restart, and fires anew after a manual resolve', () => {
    const book = new RuleBook();
    book.setRules([rule({ forSeconds: 0 })]);
    book.restore(['r1|cell-state|cell:m1:3']);
    expect(book.onEvent(cell(0, 'lost'), 0)).toEqual([]);
    expect(types(book.onEvent(cell(1, 'ok'), 1))).toEqual(['resolve']);
    expect(types(book.onEvent(cell(2, 'lost'), 2))).toEqual(['fire']);
    book.forget('r1|cell-state|cell:m1:3');
    expect(types(book.onEvent(cell(3, 'lost'), 3))).toEqual(['fire']);
  });
});
