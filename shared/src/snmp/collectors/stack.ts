// IF-MIB ifStackTable and IEEE8023-LAG-MIB dot3adAggPortAttachedAggID: which interfaces sit on which, and
// which aggregator a port is attached to. Kept raw; topology/lag-members.ts decides what is a LAG.
import type { StackFacts } from '../facts.ts';
import { DOT3AD_AGG_PORT, IF_STACK } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';

export async function collectStack(w: Walker): Promise<StackFacts> {
  return {
    ifStack: parseIfStack(await w.walk('ifStackTable', IF_STACK)),
    attachedAgg: parseAttachedAgg(await w.walk('dot3adAggPortTable', DOT3AD_AGG_PORT)),
  };
}

/** ifStackStatus active(1) rows; index higher.lower, where 0 only marks the top or bottom of a stack. */
export function parseIfStack(rows: Rows): [number, number][] {
  const out: [number, number][] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    if (ids.length !== 2 || ids[0] === 0 || ids[1] === 0 || ids[0] === ids[1]) continue;
    if (toInt(row.status) !== 1) continue;
    out.push([ids[0]!, ids[1]!]);
  }
  return out;
}

/** 0 means "not attached to any aggregator" (also what Junos reports for static ae members). */
export function parseAttachedAgg(rows: Rows): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    const agg = toInt(row.attachedAggId);
    if (ids.length !== 1 || agg === undefined || agg <= 0 || agg === ids[0]) continue;
    out[String(ids[0])] = agg;
  }
  return out;
}
