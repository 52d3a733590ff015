import { describe, expect, it } from 'vitest';
import { constraintField, fromDatabaseError } from './db-errors.ts';

/** The shape Prisma's pg adapter gives a known request error (checked against a live database). */
const prismaError = (code: string, cause: object, modelName = 'Sequence') =>
  Object.assign(new Error('…'), {
    name: 'PrismaClientKnownRequestError',
    code,
    meta: { modelName, driverAdapterError: { name: 'DriverAdapterError', cause } },
  });

describe('database errors as API errors', () => {
  it('a unique violation is a 409 naming the field', () => {
    const e = fromDatabaseError(
      prismaError('P2002', {
        originalCode: '23505',
        kind: 'UniqueConstraintViolation',
        constraint: { index: 'sequences_name_key' },
        table: 'sequences',
      }),
    );
    expect(e).toMatchObject({ status: 409, code: 'conflict', field: 'name' });
    expect(e?.message).toBe('name: a sequence with this name already exists');
  });

  it('a transaction that could not start in time is a 503: the request wrote nothing and may be retried', () => {
    const e = fromDatabaseError(
      Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), {
        name: 'PrismaClientKnownRequestError',
        code: 'P2028',
        meta: {},
      }),
    );
    expect(e).toMatchObject({ status: 503, code: 'busy' });
  });

  it('derives fields from Prisma index names', () => {
    expect(constraintField({ constraint: { index: 'api_tokens_token_hash_key' }, table: 'api_tokens' })).toBe(
      'tokenHash',
    );
    expect(constraintField({ constraint: { index: 'jobs_pkey' }, table: 'jobs' })).toBe('id');
    expect(
      constraintField({
        constraint: { index: 'sequence_versions_sequence_id_fkey' },
        table: 'sequence_versions',
      }),
    ).toBe('sequenceId');
    expect(constraintField({ constraint: { fields: ['run_id'] } })).toBe('runId');
    expect(constraintField(undefined)).toBeUndefined();
  });

  it('a vanished row is a 404; values the database cannot hold are 400s that do not echo the value', () => {
    expect(fromDatabaseError(prismaError('P2025', {}, 'MessageTemplate'))).toMatchObject({
      status: 404,
      message: 'message template not found',
    });
    for (const [code, originalCode, what] of [
      ['P2020', '22003', /number is out of range/],
      ['P2039', '22008', /date or time is out of range/],
      ['P2039', '22021', /not valid UTF-8/],
      ['P2007', '22P02', /not valid for its type/],
      ['P2039', '54000', /too large/],
    ] as const) {
      const e = fromDatabaseError(prismaError(code, { originalCode, kind: 'postgres' }));
      expect(e).toMatchObject({ status: 400, code: 'bad_request' });
      expect(e?.message).toMatch(what);
      expect(e?.message).not.toMatch(/99999/);
    }
  });

  it('a raw pg error is read by its SQLSTATE; anything else is not a request error', () => {
    const pgError = Object.assign(new Error('value "99999" is out of range'), {
      code: '22003',
      severity: 'ERROR',
    });
    expect(fromDatabaseError(pgError)).toMatchObject({ status: 400 });
    expect(fromDatabaseError(prismaError('P2039', { originalCode: 'P0001' }))).toBeUndefined();
    expect(fromDatabaseError(new Error('boom'))).toBeUndefined();
    expect(fromDatabaseError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBeUndefined();
  });
});
