// The few raw-SQL operations the migrator, drift check, executor lock and job engine need, over PGlite or pg alike.
export interface SqlClient {
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}
