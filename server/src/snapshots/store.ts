// Stores a discovery result as a snapshot and reads snapshots back.
import { batches } from '../db/batches.ts';
import type { Database } from '../db/connect.ts';
import type { Prisma } from '../db/generated/client.ts';
import type { DiscoveryResult } from '../discovery/result.ts';
import type { DeviceFacts } from '../discovery/facts.ts';
import { ApiError } from '../http/errors.ts';
import { deviceRole } from './roles.ts';
import type { Topology } from './graph.ts';
import { normaliseMac } from './mac.ts';

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

/** Device rows carry their raw facts (tens of KB each): fewer per statement than plain rows. */
const DEVICE_BATCH = 100;

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
  const roles = Object.fromEntries(rest.devices.map((d) => [d.id, deviceRole(factsOf(d.targets))]));
  const topology: Topology = { ...rest, roles };
  // One transaction (no half snapshot), its device rows in bounded batches.
  return db.prisma.$transaction(async (tx) => {
    const snapshot = await tx.snapshot.create({
      data: {
        runId,
        takenAt: new Date(result.finishedAt),
        summary: summarise(rest) as unknown as Prisma.InputJsonValue,
        topology: topology as unknown as Prisma.InputJsonValue,
      },
    });
    for (const chunk of batches(rest.devices, DEVICE_BATCH))
      await tx.snapshotDevice.createMany({
        data: chunk.map((d) => ({
          snapshotId: snapshot.id,
          deviceId: d.id,
          sysName: d.sysName ?? null,
          addresses: d.addresses,
          macs: [...new Set(d.interfaces.flatMap((i) => (i.mac ? [normaliseMac(i.mac) ?? i.mac] : [])))],
          facts: factsOf(d.targets) as unknown as Prisma.InputJsonValue,
        })),
      });
    return snapshot.id;
  });
}

/** A snapshot by id, or the newest one taken at or before `at`, or the newest of all. */
export async function findSnapshot(db: Database, ref: { id?: string; at?: Date }) {
  const s = ref.id
    ? await db.prisma.snapshot.findUnique({ where: { id: ref.id } })
    : await db.prisma.snapshot.findFirst({
        where: ref.at ? { takenAt: { lte: ref.at } } : {},
        orderBy: { takenAt: 'desc' },
      });
  if (!s)
    throw new ApiError(
      404,
      'not_found',
      ref.id ? 'snapshot not found' : 'no snapshot at or before that time; run a discovery first',
    );
  return { ...s, topology: s.topology as unknown as Topology };
}
