// snmpd pass_persist backend serving MGMD-STD-MIB, IPMCAST-MIB, BRIDGE-MIB, Q-BRIDGE-MIB and the IF-MIB
// counter columns per-hop localisation reads from the namespace's kernel state, one process per
// registered subtree (rows outside it are not this registration's to answer):
//   pass_persist .1.3.6.1.2.1.185 /usr/bin/node <this folder>/pass-persist.mjs .1.3.6.1.2.1.185
import { createInterface } from 'node:readline';
import { bridgeRows } from './bridge-rows.ts';
import { readKernelBridgeState } from './bridge-state.ts';
import { readKernelCounterState } from './counter-state.ts';
import { ifCounterRows } from './if-counter-rows.ts';
import { allRows, isUnder, type MibRow } from './mib-rows.ts';
import { readKernelMcastState } from './kernel-state.ts';
import { parseOidText, passPersistSession } from './pass-persist-protocol.ts';

const subtree = parseOidText(process.argv[2] ?? '');
const BRIDGE_MIB = [1, 3, 6, 1, 2, 1, 17];
const IF_MIB = [
  [1, 3, 6, 1, 2, 1, 2],
  [1, 3, 6, 1, 2, 1, 31],
];
const within = (prefix: number[]) => isUnder(subtree, prefix) || subtree.join('.') === prefix.join('.');
// One snapshot serves a whole walk (consistent rows, one `ip`/`bridge` run per second at most).
const FRESH_MS = 1000;
let cached: { at: number; rows: MibRow[] } | undefined;
const read = (): MibRow[] =>
  within(BRIDGE_MIB)
    ? bridgeRows(readKernelBridgeState())
    : IF_MIB.some(within)
      ? ifCounterRows(readKernelCounterState())
      : allRows(readKernelMcastState());
const rows = (): MibRow[] => {
  if (!cached || Date.now() - cached.at > FRESH_MS)
    cached = { at: Date.now(), rows: read().filter((r) => isUnder(r.oid, subtree)) };
  return cached.rows;
};

const session = passPersistSession(rows);
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const reply = session.feed(line);
  if (reply !== undefined) process.stdout.write(reply + '\n');
});
input.on('close', () => process.exit(0));
