// The few raw-SQL operations the migrator, drift check, executor lock and job engine need, over PGlite or pg alike.
export interface SqlClient {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * A zone-less timestamp column read as the instant it holds, under `alias`: the database holds UTC (as Prisma
 * writes and reads it), while pg would read a `timestamp` in this process's local zone.
 */
export const utcColumn = (column: string, alias: string) => `${column} AT TIME ZONE 'UTC' AS "${alias}"`;
