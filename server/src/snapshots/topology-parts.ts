// A snapshot's topology document is stored as parts of bounded size (table snapshot_parts): each
// top-level collection in slices of consecutive elements, every other top-level value whole. A
// 2,000-device network's document is ~50 MB of JSON; encoding, sending or parsing it in one piece held
// the event loop for seconds (the one JSON.stringify, its escaped copy as a statement argument, the
// garbage collections those allocations caused). In parts, each step is small and other requests run
// between them.
import { Type, type TSchema } from 'typebox';
import { readJson } from '../db/json-column.ts';
import { jsonBatches } from '../db/batches.ts';
import type { Database } from '../db/connect.ts';
import type { Prisma } from '../db/generated/client.ts';
import type { Topology } from './graph.ts';

/** Characters of JSON per slice of a collection. */
const SLICE_CHARS = 256 * 1024;
/** Parts read per query: a few slices, about 1 MB of JSON to parse per turn of the event loop. */
const READ_PARTS = 4;

/**
 * The outline every reader relies on, checked part by part: the collections' elements carry these
 * fields, `roles` maps device ids to roles. The discovery code's types describe the rest.
 */
const ELEMENTS: Record<string, TSchema> = {
  devices: Type.Object({ id: Type.String(), addresses: Type.Array(Type.String()) }),
  links: Type.Object({ layer: Type.String() }),
  hosts: Type.Object({ device: Type.String() }),
  unmanaged: Type.Object({ id: Type.String() }),
};
const SLICES = Object.fromEntries(Object.entries(ELEMENTS).map(([k, s]) => [k, Type.Array(s)]));
const ANY_SLICE = Type.Array(Type.Unknown());
const WHOLE: Record<string, TSchema> = { roles: Type.Record(Type.String(), Type.String()) };
const REQUIRED = Type.Object({
  ...Object.fromEntries(Object.keys(ELEMENTS).map((k) => [k, Type.Array(Type.Unknown())])),
  ...WHOLE,
});

/** The parts of a topology document as JSON rows `{key, seq, slice, items}`, encoded as they are taken. */
export function* topologyParts(topology: Topology): Generator<string> {
  for (const [key, value] of Object.entries(topology)) {
    if (value === undefined) continue; // as JSON would leave it out
    const head = `{"key":${JSON.stringify(key)},"seq":`;
    if (!Array.isArray(value)) {
      yield `${head}0,"slice":false,"items":${JSON.stringify(value)}}`;
      continue;
    }
    let seq = 0;
    for (const items of jsonBatches(value as unknown[], JSON.stringify, SLICE_CHARS))
      yield `${head}${seq++},"slice":true,"items":${items}}`;
    if (seq === 0) yield `${head}0,"slice":true,"items":[]}`; // an empty collection is still there
  }
}

/** Writes a snapshot's topology parts, a bounded batch of parts per statement. */
export async function writeTopologyParts(
  tx: Prisma.TransactionClient,
  snapshotId: string,
  topology: Topology,
): Promise<void> {
  for (const rows of jsonBatches(topologyParts(topology), (row) => row)) {
    await tx.$executeRaw`INSERT INTO snapshot_parts (snapshot_id, key, seq, slice, items)
      SELECT ${snapshotId}, p->>'key', (p->>'seq')::int, (p->>'slice')::boolean, p->'items'
      FROM jsonb_array_elements(${rows}::jsonb) AS p`;
  }
}

/** A stored snapshot's topology document, read and parsed a few parts at a time and checked part by part. */
export async function readTopology(db: Database, snapshotId: string): Promise<Topology> {
  const doc: Record<string, unknown> = {};
  let after = { key: '', seq: -1 };
  for (;;) {
    const rows = await db.prisma.$queryRaw<{ key: string; seq: number; slice: boolean; items: string }[]>`
      SELECT key, seq, slice, items::text AS items FROM snapshot_parts
      WHERE snapshot_id = ${snapshotId} AND (key, seq) > (${after.key}, ${after.seq})
      ORDER BY key, seq LIMIT ${READ_PARTS}`;
    for (const row of rows) {
      const column = `snapshot.topology.${row.key}`;
      const items: unknown = JSON.parse(row.items);
      if (!row.slice) {
        doc[row.key] = WHOLE[row.key] ? readJson(WHOLE[row.key]!, items, column) : items;
        continue;
      }
      const slice = readJson(SLICES[row.key] ?? ANY_SLICE, items, column);
      const collection = (doc[row.key] ??= []) as unknown[];
      // One at a time: spreading a slice of tens of thousands of elements as arguments can overflow the stack.
      for (const item of slice) collection.push(item);
    }
    if (rows.length < READ_PARTS) break;
    after = rows.at(-1)!;
  }
  readJson(REQUIRED, doc, 'snapshot.topology');
  return doc as unknown as Topology;
}
