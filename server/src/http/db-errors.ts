// Database errors that a request caused, as the API errors they are: a taken unique value is a 409
// naming the field, a row that vanished is a 404, and a value the database cannot store (out of range,
// invalid text) is a 400. Validation should stop such input first; this keeps whatever slips past
// (a race, a rule no schema states) from becoming a 500. Messages never echo the value: it may be secret.
import { ApiError } from './errors.ts';

interface AdapterCause {
  originalCode?: string;
  kind?: string;
  constraint?: { index?: string; fields?: string[] };
  table?: string;
}

/** The parts of a Prisma known-request error (through the pg driver adapter) or a raw pg error read here. */
interface DatabaseErrorLike {
  name?: string;
  code?: unknown;
  severity?: unknown;
  meta?: { modelName?: string; driverAdapterError?: { cause?: AdapterCause } };
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The field a constraint is on, from Prisma's index names: `<table>_<column>_key` (unique),
 * `<table>_<column>_fkey` (foreign key), `<table>_pkey`.
 */
export function constraintField(cause: AdapterCause | undefined): string | undefined {
  const named = cause?.constraint?.fields?.[0];
  if (named) return camel(named);
  const index = cause?.constraint?.index;
  const table = cause?.table;
  if (!index) return undefined;
  const columns = index.replace(/_(p|f)?key$/, '');
  const own = table && columns.startsWith(`${table}_`) ? columns.slice(table.length + 1) : columns;
  return own === table || own === '' ? 'id' : camel(own);
}

const thing = (model: string | undefined) =>
  model ? model.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'record';

/** The API error for a database error, or undefined when it is not one a request caused. */
export function fromDatabaseError(err: unknown): ApiError | undefined {
  const e = err as DatabaseErrorLike;
  const prismaCode = e.name === 'PrismaClientKnownRequestError' && typeof e.code === 'string' ? e.code : '';
  const cause = e.meta?.driverAdapterError?.cause;
  const sqlState =
    cause?.originalCode ??
    (typeof e.code === 'string' && typeof e.severity === 'string' && /^[0-9A-Z]{5}$/.test(e.code)
      ? e.code
      : '');
  const model = thing(e.meta?.modelName);
  if (prismaCode === 'P2025') return new ApiError(404, 'not_found', `${model} not found`);
  // P2028: the transaction could not start (or finish) in time behind other writes. Nothing was written.
  if (prismaCode === 'P2028')
    return new ApiError(
      503,
      'busy',
      'the database is busy with a long write; nothing was changed, retry later',
    );
  if (prismaCode === 'P2002' || sqlState === '23505') {
    const field = constraintField(cause);
    return new ApiError(
      409,
      'conflict',
      `${field ?? 'value'}: a ${model} with this ${field ?? 'value'} already exists`,
      field,
    );
  }
  if (prismaCode === 'P2003' || sqlState === '23503') {
    const field = constraintField(cause);
    return new ApiError(
      409,
      'conflict',
      `${field ?? 'reference'}: refers to a record that does not exist, or is still referred to`,
      field,
    );
  }
  // SQLSTATE class 22 "data exception": out of range, invalid text or encoding, bad date/time.
  // 54000/54001: an index row or a nesting too large for the database.
  if (
    ['P2000', 'P2007', 'P2020'].includes(prismaCode) ||
    sqlState.startsWith('22') ||
    sqlState === '54000' ||
    sqlState === '54001'
  )
    return new ApiError(400, 'bad_request', `a value cannot be stored: ${describe(sqlState, prismaCode)}`);
  return undefined;
}

function describe(sqlState: string, prismaCode: string): string {
  if (sqlState === '22003' || prismaCode === 'P2020') return 'a number is out of range';
  if (sqlState === '22008' || sqlState === '22007') return 'a date or time is out of range';
  if (sqlState === '22001' || prismaCode === 'P2000') return 'a text is too long';
  if (sqlState === '22021' || sqlState === '22P05') return 'a text is not valid UTF-8 or contains NUL';
  if (sqlState.startsWith('54')) return 'a value is too large or too deeply nested';
  return 'a value is not valid for its type';
}
