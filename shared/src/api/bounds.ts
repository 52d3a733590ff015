// Schema pieces bounded by what the database stores, for every request field that reaches it: integer
// columns are int4, timestamps are PostgreSQL timestamps written as ISO text with a four-digit year.
// A value past these bounds is refused as a 400 naming the field instead of failing in the database.
import Type, { type TNumberOptions, type TStringOptions } from 'typebox';

export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;
/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants with a four-digit year. */
export const EARLIEST_TIME_MS = -62_135_596_800_000;
export const LATEST_TIME_MS = 253_402_300_799_999;

/** An integer that fits an int4 column; `minimum`/`maximum` may narrow it, never widen it. */
export const Int32 = (opts: TNumberOptions = {}) =>
  Type.Integer({
    ...opts,
    minimum: Math.max(Number(opts.minimum ?? INT32_MIN), INT32_MIN),
    maximum: Math.min(Number(opts.maximum ?? INT32_MAX), INT32_MAX),
  });

/** A time in ms since the epoch (a clock reading) that a timestamp column can hold. */
export const EpochMs = (opts: TNumberOptions = {}) =>
  Type.Number({ ...opts, minimum: EARLIEST_TIME_MS, maximum: LATEST_TIME_MS });

/** An id of a bigint (int8) column as decimal text; 18 digits always fit. */
export const BigIntId = (opts: TStringOptions = {}) => Type.String({ ...opts, pattern: '^[0-9]{1,18}$' });

/** Whether an instant can be stored (and read back) as a timestamp. */
export function storableTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_TIME_MS && ms <= LATEST_TIME_MS;
}

/** Whether a date-time text (RFC 3339, already checked) names an instant a timestamp column can hold. */
export const storableDateTime = (text: string): boolean => storableTime(Date.parse(text));
