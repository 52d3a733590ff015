// A device's history across snapshots (oldest first in, newest first out): when it appeared, went
// missing or came back, and per port when it appeared, changed state or changed neighbour (pure).
import type { HistoryEvent } from '@netspotter/shared/api';
import { snmpWords } from '@netspotter/shared';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';

export interface SnapshotOfDevice {
  snapshotId: string;
  takenAt: Date;
  /** Undefined when this snapshot has no such device. */
  facts?: DeviceFacts[];
}

interface PortState {
  name: string;
  admin?: number;
  oper?: number;
  neighbour: string;
}

/** Per ifIndex: name, states, and the neighbour its LLDP/CDP tables name ("sw2 Gi0/3"). */
function portStates(facts: DeviceFacts[]): Map<number, PortState> {
  const f = facts[0]!;
  const out = new Map<number, PortState>();
  for (const i of f.interfaces)
    out.set(i.ifIndex, {
      name: i.ifName || i.ifDescr || `ifIndex ${i.ifIndex}`,
      ...(i.adminStatus !== undefined && { admin: i.adminStatus }),
      ...(i.operStatus !== undefined && { oper: i.operStatus }),
      neighbour: '',
    });
  const byPortNum = new Map(f.lldp.ports.map((p) => [p.portNum, p]));
  const set = (ifIndex: number | undefined, text: string) => {
    const p = ifIndex === undefined ? undefined : out.get(ifIndex);
    if (p) p.neighbour = [p.neighbour, text].filter(Boolean).sort().join('; ');
  };
  for (const r of f.lldp.remotes) {
    const local =
      r.localIfIndex ??
      (r.localPortNum !== undefined
        ? (f.bridge.portIfIndex[String(r.localPortNum)] ??
          (f.interfaces.some((i) => i.ifIndex === r.localPortNum) ? r.localPortNum : undefined))
        : undefined);
    const own = r.localPortNum !== undefined ? byPortNum.get(r.localPortNum) : undefined;
    const viaName =
      own && f.interfaces.find((i) => i.ifName === own.id || i.ifDescr === own.id || i.ifName === own.desc);
    set(
      viaName?.ifIndex ?? local,
      `${r.sysName ?? r.chassisId ?? '?'} ${r.portId ?? r.portDesc ?? ''}`.trim(),
    );
  }
  for (const c of f.cdp.entries) set(c.ifIndex, `${c.deviceId ?? '?'} ${c.devicePort ?? ''}`.trim());
  return out;
}

export function deviceHistory(rows: SnapshotOfDevice[], onlyIfIndex?: number): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  let before: Map<number, PortState> | undefined;
  let sysName: string | undefined;
  let seen = false;
  rows.forEach((row, index) => {
    const at = row.takenAt.toISOString();
    const ev = (e: Omit<HistoryEvent, 'at' | 'snapshotId'>) => {
      if (onlyIfIndex === undefined || e.ifIndex === undefined || e.ifIndex === onlyIfIndex)
        events.push({ at, snapshotId: row.snapshotId, ...e });
    };
    if (!row.facts?.length) {
      if (before) ev({ kind: 'missing', text: 'not in this snapshot (not polled, or unreachable)' });
      before = undefined;
      return;
    }
    const now = portStates(row.facts);
    const name = row.facts[0]!.system.sysName;
    if (!seen)
      ev({
        kind: 'appeared',
        text:
          index === 0
            ? `present in the oldest snapshot compared${name ? ` as ${name}` : ''}, ${now.size} ports`
            : `first seen${name ? ` as ${name}` : ''}, ${now.size} ports`,
      });
    else if (!before) ev({ kind: 'returned', text: 'polled again' });
    else {
      if (name !== sysName)
        ev({ kind: 'name', text: `renamed ${sysName ?? '(none)'} → ${name ?? '(none)'}` });
      for (const [ifIndex, p] of now) {
        const was = before.get(ifIndex);
        const at = { ifIndex, port: p.name };
        if (!was) {
          ev({ kind: 'port-added', ...at, text: `${p.name} appeared` });
          continue;
        }
        if (was.admin !== p.admin || was.oper !== p.oper)
          ev({
            kind: 'state',
            ...at,
            text: `${p.name}: ${snmpWords.ifStatus(was.admin)}/${snmpWords.ifStatus(was.oper)} → ${snmpWords.ifStatus(p.admin)}/${snmpWords.ifStatus(p.oper)} (admin/oper)`,
          });
        if (was.neighbour !== p.neighbour)
          ev({
            kind: 'neighbour',
            ...at,
            text: `${p.name}: neighbour ${was.neighbour || 'none'} → ${p.neighbour || 'none'}`,
          });
      }
      for (const [ifIndex, p] of before)
        if (!now.has(ifIndex))
          ev({ kind: 'port-removed', ifIndex, port: p.name, text: `${p.name} disappeared` });
    }
    seen = true;
    sysName = name;
    before = now;
  });
  return events.reverse();
}
