// A checksum of every row of every table, read through the server's own SQL client, to prove that a
// refused request wrote nothing. Liveness columns are left out: any authenticated agent request is a
// heartbeat (last seen, address) and any bearer-token request stamps the token's last use, by design.
import type { SqlClient } from '../../src/db/sql-client.ts';

const LIVENESS: Record<string, string[]> = {
  api_tokens: ['last_used_at'],
  agents: ['last_seen_at', 'last_address', 'state', 'updated_at'],
  agent_sessions: ['last_seen_at', 'address'],
};

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Builds the query once per database: one row per table with its row count and content hash. */
export async function fingerprintQuery(sql: SqlClient): Promise<string> {
  const columns = await sql.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        AND c.table_name <> '_prisma_migrations'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const { table_name, column_name } of columns) {
    if (LIVENESS[table_name]?.includes(column_name)) continue;
    byTable.set(table_name, [...(byTable.get(table_name) ?? []), column_name]);
  }
  return [...byTable]
    .map(([table, cols]) => {
      const row = `ROW(${cols.map(quote).join(', ')})::text`;
      return `SELECT '${table}' AS t, count(*)::int AS n, md5(coalesce(string_agg(${row}, '|' ORDER BY ${row}), '')) AS h FROM ${quote(table)}`;
    })
    .join(' UNION ALL ');
}

export type Fingerprint = Record<string, string>;

export async function fingerprint(sql: SqlClient, query: string): Promise<Fingerprint> {
  const rows = await sql.query<{ t: string; n: number; h: string }>(query);
  return Object.fromEntries(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
}

/** The tables whose rows differ between two fingerprints. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}
