// Bulk writes go in bounded batches: a few statements of many rows each, never one statement per row
// (round trips holding the database) nor one statement of unbounded size.

/** Rows per statement in bulk writes. */
export const WRITE_BATCH = 1000;

export function* batches<T>(items: readonly T[], size = WRITE_BATCH): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
