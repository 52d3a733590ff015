// The embedded database's own settings, as every connection to it sees them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.ts';

it('the embedded database makes new WAL segments without zero-filling them, on every connection', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'netspotter-embedded-'));
  const db = await openDatabase({ dataDir });
  try {
    const shown = await Promise.all(
      Array.from({ length: 6 }, () => db.pool.query<{ wal_init_zero: string }>('SHOW wal_init_zero')),
    );
    expect(shown.flat().map((r) => r.wal_init_zero)).toEqual(Array(6).fill('off'));
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
