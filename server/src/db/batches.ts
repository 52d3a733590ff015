// Bulk writes go in bounded batches: a few statements of many rows each, never one statement per row
// (round trips holding the database) nor one statement of unbounded size.

/**
 * Rows per statement in bulk writes. Prisma's client handles each row of a statement on the event loop
 * (about 0.1 ms a row on a loaded 2-core machine: 1,000 rows held it for 100 ms), so a batch is small
 * enough to stay well under 50 ms.
 */
export const WRITE_BATCH = 250;

export function* batches<T>(items: readonly T[], size = WRITE_BATCH): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Characters of JSON per statement argument in bulk writes of documents. */
export const JSON_BATCH_CHARS = 512 * 1024;

/**
 * The items as JSON arrays of at most about `maxChars` characters each (an item longer than that goes
 * alone), encoded one item at a time as the batches are taken: a bulk write of tens of MB of documents
 * never encodes, copies or sends all of it in one go, so the event loop is never held for long.
 */
export function* jsonBatches<T>(
  items: Iterable<T>,
  encode: (item: T) => string = JSON.stringify,
  maxChars = JSON_BATCH_CHARS,
): Generator<string> {
  let batch: string[] = [];
  let chars = 0;
  for (const item of items) {
    const text = encode(item);
    if (batch.length > 0 && chars + text.length > maxChars) {
      yield `[${batch.join(',')}]`;
      batch = [];
      chars = 0;
    }
    batch.push(text);
    chars += text.length + 1;
  }
  if (batch.length > 0) yield `[${batch.join(',')}]`;
}
