// Opens the configured database (migrated) for a one-shot CLI command, and always closes it.
import { loadConfig } from '../config/config.ts';
import type { Database } from '../db/connect.ts';

export async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { openDatabase } = await import('../db/connect.ts');
  const { migrate } = await import('../db/migrator.ts');
  const db = await openDatabase(config);
  try {
    await migrate(db.sql);
    return await fn(db);
  } finally {
    await db.close();
  }
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
