// The net-snmp pass_persist protocol (snmpd.conf(5), "pass_persist"): snmpd writes commands one line at a
// time — PING, `get`/`getnext` followed by an OID line, `set` followed by an OID and a "type value" line —
// and reads back PONG, NONE, not-writable, or three lines: OID, type, value. Pure: rows come from `rows()`.
import { compareOid, type MibRow } from './mib-rows.ts';

/** `.1.3.6` or `1.3.6` → sub-ids. */
export const parseOidText = (text: string): number[] =>
  text.trim().replace(/^\./, '').split('.').filter(Boolean).map(Number);

/** The exact row for `get`, the first row after the OID for `getnext` (rows sorted by OID). */
export function lookup(rows: MibRow[], command: 'get' | 'getnext', oid: number[]): MibRow | undefined {
  return command === 'get'
    ? rows.find((r) => compareOid(r.oid, oid) === 0)
    : rows.find((r) => compareOid(r.oid, oid) > 0);
}

/** A line-fed session: `feed` returns what to write back (without the final newline), or undefined. */
export function passPersistSession(rows: () => MibRow[]): { feed: (line: string) => string | undefined } {
  let pending: 'get' | 'getnext' | undefined;
  let setLinesLeft = 0;
  return {
    feed(line) {
      if (setLinesLeft > 0) return --setLinesLeft === 0 ? 'not-writable' : undefined;
      if (pending) {
        const row = lookup(rows(), pending, parseOidText(line));
        pending = undefined;
        return row ? `.${row.oid.join('.')}\n${row.type}\n${row.value}` : 'NONE';
      }
      const command = line.trim().toLowerCase();
      if (command === 'ping') return 'PONG';
      if (command === 'get' || command === 'getnext') pending = command;
      else if (command === 'set') setLinesLeft = 2;
      else if (command !== '') return 'NONE';
      return undefined;
    },
  };
}
