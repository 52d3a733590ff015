// Request validation for every route, built on Fastify's own ajv compiler with two differences:
// - bodies are JSON, so their types are checked as sent: `true`, `-1` or `1.5` is not a user name.
//   Only path parameters, query strings and headers (always text) are coerced to the schema's type;
// - `format: "date-time"` also requires an instant a timestamp column can hold (years 0001-9999).
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import AjvCompiler from '@fastify/ajv-compiler';
import { storableDateTime } from '@netspotter/shared/api';

/** Keeps ajv-formats' RFC 3339 check and adds the range check. */
function storableDateTimes(ajv: AjvCompiler.Ajv) {
  const rfc3339 = ajv.formats['date-time'];
  const syntax = typeof rfc3339 === 'object' && 'validate' in rfc3339 ? rfc3339.validate : rfc3339;
  if (typeof syntax !== 'function') throw new Error('ajv-formats did not define date-time');
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => (syntax as (s: string) => boolean)(s) && storableDateTime(s),
  });
}

type Validate = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };

/**
 * ajv coerces the text "1e400" or "Infinity" to Infinity and then lets it pass every keyword (maximum
 * included): `?count=1e400` reached a handler as an endless count. Coerced path and query values must
 * be finite numbers.
 */
function finiteOnly(validate: Validate): Validate {
  const checked: Validate = (data) => {
    if (!validate(data)) {
      checked.errors = validate.errors ?? null;
      return false;
    }
    const bad = Object.entries((data ?? {}) as Record<string, unknown>).find(([, v]) =>
      [v].flat().some((x) => typeof x === 'number' && !Number.isFinite(x)),
    );
    checked.errors = bad
      ? [
          {
            instancePath: `/${bad[0]}`,
            schemaPath: '',
            keyword: 'type',
            params: {},
            message: 'must be a finite number',
          },
        ]
      : null;
    return !bad;
  };
  return checked;
}

type AjvServerOptions = Parameters<AjvCompiler.BuildCompilerFromPool>[1] & object;

function build(externalSchemas: unknown, options: AjvServerOptions = {}): FastifySchemaCompiler<unknown> {
  const pool = AjvCompiler();
  const compiler = (coerceTypes: false | 'array') =>
    pool(
      externalSchemas as Record<string, object>,
      {
        ...options,
        customOptions: { ...options.customOptions, coerceTypes },
        onCreate: storableDateTimes,
      } as AjvServerOptions,
    ) as unknown as FastifySchemaCompiler<unknown>;
  const exact = compiler(false);
  const coercing = compiler('array');
  return (route) => (route.httpPart === 'body' ? exact(route) : finiteOnly(coercing(route) as Validate));
}

/**
 * For Fastify's `schemaController.compilersFactory.buildValidator`. (The compiler package types its
 * result as taking a bare schema; Fastify calls it with the route definition, as typed above.)
 */
export const buildValidator = build as unknown as AjvCompiler.BuildCompilerFromPool;
