// Stores a discovery result as a snapshot and reads snapshots back.
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { jsonBatches } from '../db/batches.ts';
import { keepSnapshotDerived, snapshotDerived } from './snapshot-cache.ts';
import type { Database } from '../db/connect.ts';
import { readJson } from '../db/json-column.ts';
import type { DiscoveryResult } from '../discovery/result.ts';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { DomainError } from '../domain-errors.ts';
import { deviceRole } from './roles.ts';
import type { Topology } from './graph.ts';
import { normaliseMac } from '@netspotter/shared';
import { readTopology, writeTopologyParts } from './topology-parts.ts';
import { mapInSteps } from '../steps.ts';

export const DeviceFactsListSchema = Type.Unsafe<DeviceFacts[]>(
  Type.Array(Type.Object({ target: Type.String() })),
);

export interface SnapshotSummary {
  devices: number;
  unmanaged: number;
  l2Links: number;
  l3Links: number;
  hosts: number;
  groups: number;
  mroutes: number;
  unreachable: number;
  partial: number;
  durationMs: number;
}

export function summarise(r: Omit<DiscoveryResult, 'facts'>): SnapshotSummary {
  return {
    devices: r.devices.length,
    unmanaged: r.unmanaged.length,
    l2Links: r.links.filter((l) => l.layer === 'l2').length,
    l3Links: r.links.filter((l) => l.layer === 'l3').length,
    hosts: r.hosts.length,
    groups: r.multicast.groups.length,
    mroutes: r.multicast.routes.length,
    unreachable: r.unreachable.length,
    partial: r.report.filter((t) => t.status === 'partial').length,
    durationMs: Date.parse(r.finishedAt) - Date.parse(r.startedAt),
  };
}

export async function saveSnapshot(
  db: Database,
  runId: string | null,
  result: DiscoveryResult,
): Promise<string> {
  const { facts = [], ...rest } = result;
  // Indexed by target: a scan of every device's facts per device would be quadratic at 10,000 devices.
  const byTarget = new Map<string, number[]>();
  facts.forEach((f, i) => byTarget.set(f.target, [...(byTarget.get(f.target) ?? []), i]));
  const factsOf = (targets: string[]): DeviceFacts[] =>
    [...new Set(targets.flatMap((t) => byTarget.get(t) ?? []))].sort((a, b) => a - b).map((i) => facts[i]!);
  const roles = Object.fromEntries(
    await mapInSteps(rest.devices, (d) => [d.id, deviceRole(factsOf(d.targets))] as const),
  );
  const topology: Topology = { ...rest, roles };
  // One transaction (no half snapshot); every statement's argument is of bounded size, encoded as the
  // statements are sent. Written as SQL with JSON text arguments: Prisma's query compiler re-encodes JSON
  // arguments on the event loop.
  const id = await db.prisma.$transaction(async (tx) => {
    const snapshot = { id: randomUUID() };
    await tx.$executeRaw`INSERT INTO snapshots (id, run_id, taken_at, summary)
      VALUES (${snapshot.id}, ${runId}, ${new Date(result.finishedAt)}, ${JSON.stringify(summarise(rest))}::jsonb)`;
    await writeTopologyParts(tx, snapshot.id, topology);
    // Device rows carry their raw facts (tens of KB each): a batch is one JSON array the database unpacks.
    const row = (d: (typeof rest.devices)[number]) =>
      JSON.stringify({
        deviceId: d.id,
        sysName: d.sysName ?? null,
        addresses: d.addresses,
        macs: [...new Set(d.interfaces.flatMap((i) => (i.mac ? [normaliseMac(i.mac) ?? i.mac] : [])))],
        facts: factsOf(d.targets),
      });
    for (const batch of jsonBatches(rest.devices, row)) {
      await tx.$executeRaw`INSERT INTO snapshot_devices (snapshot_id, device_id, sys_name, addresses, macs, facts)
        SELECT ${snapshot.id}, d->>'deviceId', d->>'sysName',
          ARRAY(SELECT jsonb_array_elements_text(d->'addresses')),
          ARRAY(SELECT jsonb_array_elements_text(d->'macs')), d->'facts'
        FROM jsonb_array_elements(${batch}::jsonb) AS d`;
    }
    return snapshot.id;
  });
  keepSnapshotDerived(db, id, 'topology', topology);
  return id;
}

/** A snapshot by id, or the newest one taken at or before `at`, or the newest of all. */
export async function findSnapshot(db: Database, ref: { id?: string; at?: Date }) {
  // The topology (tens of MB for a large network) is read once per snapshot, below.
  const select = { id: true, runId: true, takenAt: true, summary: true } as const;
  const s = ref.id
    ? await db.prisma.snapshot.findUnique({ where: { id: ref.id }, select })
    : await db.prisma.snapshot.findFirst({
        where: ref.at ? { takenAt: { lte: ref.at } } : {},
        orderBy: { takenAt: 'desc' },
        select,
      });
  if (!s)
    throw new DomainError(
      'not_found',
      ref.id ? 'snapshot not found' : 'no snapshot at or before that time; run a discovery first',
    );
  const topology = await snapshotDerived(db, s.id, 'topology', () => readTopology(db, s.id));
  return { ...s, topology };
}

/** The facts a snapshot kept of one of its devices, or undefined when it has no such device. */
export async function snapshotDeviceFacts(
  db: Database,
  snapshotId: string,
  deviceId: string,
): Promise<DeviceFacts[] | undefined> {
  const row = await db.prisma.snapshotDevice.findUnique({
    where: { snapshotId_deviceId: { snapshotId, deviceId } },
  });
  return row ? readJson(DeviceFactsListSchema, row.facts, 'snapshot device facts') : undefined;
}

/**
 * The facts of a snapshot's devices whose tables mention a text (a canonical MAC or address): the
 * switches that learned a MAC and the routers that resolved it, without reading every device's facts.
 */
export async function factsMentioning(
  db: Database,
  snapshotId: string,
  text: string,
  limit = 500,
): Promise<DeviceFacts[][]> {
  const rows = await db.prisma.$queryRaw<{ facts: unknown }[]>`
    SELECT facts FROM snapshot_devices
    WHERE snapshot_id = ${snapshotId} AND facts::text LIKE ${`%"${text.replace(/[%_\\]/g, '\\$&')}"%`}
    LIMIT ${limit}`;
  return rows.map((r) => readJson(DeviceFactsListSchema, r.facts as never, 'snapshot device facts'));
}
