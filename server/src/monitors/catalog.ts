// The monitors the server keeps in memory: definitions, participants (with agent names), the decrypted
// beacon key, and the cell registry (each source × receiver cell of a group has a number within its
// monitor, which history rows refer to). Beacon cells follow the definition; a watch's cells appear as
// sources are seen.
import type { CellState } from '@netspotter/shared/api';
import type { Database } from '../db/connect.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { batches } from '../db/batches.ts';
import {
  groupSenders,
  readDefinition,
  receives,
  type MonitorDefinition,
  type Participant,
  type StoredGroup,
} from './definition.ts';
import type { MonitorRole } from '@netspotter/shared/api';

export interface CellInfo {
  no: number;
  groupId: string;
  source: string;
  receiverId: string;
  state: CellState;
  since: number;
  firstSeenAt: number | null;
  /** Start of the newest interval the cell's figures were judged on (in memory: after a restart, none). */
  judgedStart?: number;
}

export interface LoadedMonitor {
  id: string;
  name: string;
  running: boolean;
  definition: MonitorDefinition;
  participants: Participant[];
  /** Base64 of the beacon key (for the participants' assignments only). */
  key: string;
  names: Map<string, string>;
  cells: Map<string, CellInfo>;
  byNo: Map<number, CellInfo>;
  nextCellNo: number;
  /** The cells of the monitor as defined now, in matrix order (by group, source, receiver). */
  active: CellInfo[];
}

export const cellKey = (groupId: string, source: string, receiverId: string) =>
  `${groupId}|${source}|${receiverId}`;

/** The cells a beacon group must have: every sender × every other receiver. */
export function beaconCells(g: StoredGroup, participants: readonly Participant[]): [string, string][] {
  const receivers = participants.filter((p) => receives(p.role));
  return groupSenders(g, participants).flatMap((s) =>
    receivers.filter((r) => r.agentId !== s.agentId).map((r): [string, string] => [s.agentId, r.agentId]),
  );
}

/** Whether a cell belongs to the monitor as it is defined now (old cells keep their history only). */
export function cellActive(m: LoadedMonitor, c: CellInfo): boolean {
  const g = m.definition.groups.find((x) => x.id === c.groupId);
  const r = m.participants.find((p) => p.agentId === c.receiverId);
  if (!g || !r || !receives(r.role)) return false;
  if (g.kind === 'watch') return true;
  return groupSenders(g, m.participants).some((s) => s.agentId === c.source) && c.source !== c.receiverId;
}

export class MonitorCatalog {
  readonly monitors = new Map<string, LoadedMonitor>();
  /** Watch cells being created: concurrent uploads naming the same new source share one. */
  readonly #creating = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
  ) {}

  async loadAll(): Promise<void> {
    const rows = await this.db.prisma.monitor.findMany({ select: { id: true } });
    for (const r of rows) await this.load(r.id);
  }

  /** (Re)reads one monitor; a deleted one is forgotten. Creates the beacon cells its definition needs. */
  async load(id: string): Promise<LoadedMonitor | undefined> {
    const row = await this.db.prisma.monitor.findUnique({
      where: { id },
      include: { participants: { include: { agent: { select: { name: true } } } } },
    });
    if (!row) {
      this.monitors.delete(id);
      return undefined;
    }
    const cells = await this.db.prisma.monitorCell.findMany({ where: { monitorId: id } });
    const m: LoadedMonitor = {
      id,
      name: row.name,
      running: row.state === 'running',
      definition: readDefinition(row.definition),
      participants: row.participants.map((p) => ({
        agentId: p.agentId,
        interface: p.interface,
        role: p.role as MonitorRole,
        joined: p.joined,
      })),
      key: this.secrets.decrypt(row.beaconKeyEnc),
      names: new Map(row.participants.map((p) => [p.agentId, p.agent.name])),
      cells: new Map(),
      byNo: new Map(),
      nextCellNo: 0,
      active: [],
    };
    // Cells already in memory keep their live state (the database may not have the newest change yet).
    const old = this.monitors.get(id);
    for (const c of cells)
      this.#remember(
        m,
        old?.byNo.get(c.cellNo) ?? {
          no: c.cellNo,
          groupId: c.groupId,
          source: c.source,
          receiverId: c.receiverId,
          state: c.state as CellState,
          since: c.since.getTime(),
          firstSeenAt: c.firstSeenAt?.getTime() ?? null,
        },
      );
    const missing = m.definition.groups
      .flatMap((g) => beaconCells(g, m.participants).map(([s, r]) => [g.id, s, r] as const))
      .filter(([g, s, r]) => !m.cells.has(cellKey(g, s, r)));
    await this.#create(m, missing);
    this.monitors.set(id, m);
    return m;
  }

  #refreshActive(m: LoadedMonitor): void {
    m.active = [...m.cells.values()].filter((c) => cellActive(m, c)).sort((a, b) => a.no - b.no);
  }

  /** The watch cell of a source seen for the first time (created, numbered and stored). */
  async watchCell(m: LoadedMonitor, groupId: string, source: string, receiverId: string): Promise<CellInfo> {
    const key = cellKey(groupId, source, receiverId);
    const known = m.cells.get(key);
    if (known) return known;
    let creating = this.#creating.get(`${m.id}|${key}`);
    if (!creating) {
      creating = this.#create(m, [[groupId, source, receiverId]]).finally(() =>
        this.#creating.delete(`${m.id}|${key}`),
      );
      this.#creating.set(`${m.id}|${key}`, creating);
    }
    await creating;
    return m.cells.get(key)!;
  }

  async #create(m: LoadedMonitor, cells: (readonly [string, string, string])[]): Promise<void> {
    const now = Date.now();
    const made = cells.map(([groupId, source, receiverId]): CellInfo => ({
      no: m.nextCellNo++,
      groupId,
      source,
      receiverId,
      state: 'never-seen',
      since: now,
      firstSeenAt: null,
    }));
    for (const batch of batches(made))
      await this.db.prisma.monitorCell.createMany({
        data: batch.map((c) => ({
          monitorId: m.id,
          cellNo: c.no,
          groupId: c.groupId,
          source: c.source,
          receiverId: c.receiverId,
          state: c.state,
          since: new Date(c.since),
        })),
        skipDuplicates: true,
      });
    for (const c of made) this.#remember(m, c);
    this.#refreshActive(m);
  }

  #remember(m: LoadedMonitor, c: CellInfo): void {
    m.cells.set(cellKey(c.groupId, c.source, c.receiverId), c);
    m.byNo.set(c.no, c);
    m.nextCellNo = Math.max(m.nextCellNo, c.no + 1);
  }

  /** The monitors an agent takes part in. */
  ofAgent(agentId: string): LoadedMonitor[] {
    return [...this.monitors.values()].filter((m) => m.participants.some((p) => p.agentId === agentId));
  }
}
