import type { PGlite } from '@electric-sql/pglite';

/** Serves `db` over the PostgreSQL wire protocol on a Unix socket path, to several connections in turn. */
export function serveWire(db: PGlite, path: string): Promise<{ close(): Promise<void> }>;
