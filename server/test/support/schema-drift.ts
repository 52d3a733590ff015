// Compares prisma/schema.prisma (through Prisma's own schema parser, the wasm build) with the tables
// of a migrated database: tables, columns, types, nullability, enums, unique and plain indexes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from '../../src/db/sql-client.ts';

const require = createRequire(import.meta.url);
const SCHEMA = fileURLToPath(new URL('../../../prisma/schema.prisma', import.meta.url));

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType?: [string, string[]] | null;
}
interface Dmmf {
  datamodel: {
    models: { name: string; dbName: string | null; fields: DmmfField[] }[];
    enums: { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }[];
    indexes: { model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; fields: { name: string }[] }[];
  };
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Float: 'double precision',
  Bytes: 'bytea',
  Decimal: 'numeric(65,30)',
};
const NATIVE_TYPES: Record<string, string> = {
  Uuid: 'uuid',
  Text: 'text',
  Inet: 'inet',
  Timestamptz: 'timestamp(3) with time zone',
};

/** "table.column type NULL|NOT NULL" lines, enum and index lines: one canonical text per fact. */
export type Facts = Set<string>;

export function schemaFacts(): Facts {
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const dmmf = JSON.parse(
    wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', readFileSync(SCHEMA, 'utf8')]] })),
  ) as Dmmf;
  const facts: Facts = new Set();
  const enumName = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  for (const e of dmmf.datamodel.enums)
    facts.add(`enum ${e.dbName ?? e.name} (${e.values.map((v) => v.dbName ?? v.name).join(', ')})`);
  const columns = new Map<string, Map<string, string>>();
  for (const m of dmmf.datamodel.models) {
    const table = m.dbName ?? m.name;
    const cols = new Map<string, string>();
    columns.set(m.name, cols);
    facts.add(`table ${table}`);
    for (const f of m.fields) {
      if (f.kind === 'object') continue;
      const column = f.dbName ?? f.name;
      cols.set(f.name, column);
      const type =
        f.kind === 'enum'
          ? enumName.get(f.type)!
          : f.nativeType
            ? (NATIVE_TYPES[f.nativeType[0]] ?? f.nativeType[0].toLowerCase())
            : SCALAR_TYPES[f.type];
      // Prisma creates scalar-list columns nullable (`TEXT[]`), whatever the DMMF says of them.
      facts.add(
        `column ${table}.${column} ${type}${f.isList ? '[]' : ''} ${f.isRequired && !f.isList ? 'NOT NULL' : 'NULL'}`,
      );
    }
  }
  for (const idx of dmmf.datamodel.indexes) {
    if (idx.type === 'fulltext') continue;
    const model = dmmf.datamodel.models.find((m) => m.name === idx.model)!;
    const cols = idx.fields.map((f) => columns.get(idx.model)!.get(f.name)).join(', ');
    facts.add(`${idx.type === 'normal' ? 'index' : 'unique'} ${model.dbName ?? model.name} (${cols})`);
  }
  return facts;
}

export async function databaseFacts(sql: SqlClient): Promise<Facts> {
  const facts: Facts = new Set();
  const tables = await sql.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
  );
  for (const t of tables) facts.add(`table ${t.table_name}`);
  const cols = await sql.query<{ table_name: string; column_name: string; type: string; nullable: boolean }>(
    `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'`,
  );
  for (const c of cols)
    facts.add(
      `column ${c.table_name}.${c.column_name} ${c.type.replace(/^"(.*)"$/, '$1')} ${c.nullable ? 'NULL' : 'NOT NULL'}`,
    );
  const enums = await sql.query<{ name: string; values: string }>(
    `SELECT t.typname AS name, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) AS values
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = current_schema() GROUP BY t.typname`,
  );
  for (const e of enums) facts.add(`enum ${e.name} (${e.values})`);
  const indexes = await sql.query<{ table_name: string; unique: boolean; cols: string }>(
    `SELECT c.relname AS table_name, i.indisunique AS unique,
            string_agg(a.attname, ', ' ORDER BY k.ord) AS cols
     FROM pg_index i
     JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
     WHERE n.nspname = current_schema() AND c.relname <> '_prisma_migrations'
     GROUP BY c.relname, i.indexrelid, i.indisunique`,
  );
  for (const i of indexes) facts.add(`${i.unique ? 'unique' : 'index'} ${i.table_name} (${i.cols})`);
  return facts;
}

/** What only the schema has, and what only the database has. Both empty means no drift. */
export function diffFacts(
  schema: Facts,
  database: Facts,
): { missingInDatabase: string[]; notInSchema: string[] } {
  return {
    missingInDatabase: [...schema].filter((f) => !database.has(f)).sort(),
    notInSchema: [...database].filter((f) => !schema.has(f)).sort(),
  };
}
