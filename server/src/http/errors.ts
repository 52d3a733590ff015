// One error shape for every API failure: { error: code, message: text, field?: path }. Domain errors
// (domain-errors.ts) get their HTTP status here; ApiError is for what only HTTP knows (a missing login,
// a role too low, too many attempts).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainCode } from '../domain-errors.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The HTTP status of each domain error. */
const STATUS: Record<DomainCode, number> = {
  bad_request: 400,
  validation: 400,
  invalid_message: 400,
  invalid_template: 400,
  invalid_lines: 400,
  not_found: 404,
  conflict: 409,
  unauthenticated: 401,
  forbidden: 403,
  agent_disconnected: 403,
  enrolment_blocked: 403,
  tls_required: 403,
  agent_outdated: 426,
};

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns an ajv error into a dotted field path ("args.sleepMs", "lines[2]") and a sentence. */
function describeValidation(context: string | undefined, e: AjvError): { field: string; message: string } {
  const parts = e.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'additionalProperties') parts.push(String(e.params.additionalProperty));
  if (e.keyword === 'required') parts.push(String(e.params.missingProperty));
  const field =
    parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '') ||
    (context ?? 'body');
  const what =
    e.keyword === 'additionalProperties'
      ? 'unknown field'
      : e.keyword === 'required'
        ? 'is required'
        : (e.message ?? 'is invalid');
  return { field, message: `${context && context !== 'body' ? `${context} ` : ''}${field}: ${what}` };
}

export function errorHandler(
  err: FastifyError | ApiError | DomainError,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  if (err instanceof DomainError) {
    return reply.status(STATUS[err.code]).send({
      error: err.code,
      message: err.message,
      ...(err.field && { field: err.field }),
      ...err.details,
    });
  }
  if (err instanceof ApiError) {
    return reply
      .status(err.status)
      .send({ error: err.code, message: err.message, ...(err.field && { field: err.field }), ...err.extra });
  }
  if (err.validation) {
    const { field, message } = describeValidation(err.validationContext, err.validation[0] as AjvError);
    return reply.status(400).send({ error: 'validation', message, field });
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return reply
      .status(413)
      .send({ error: 'payload_too_large', message: 'request body is larger than the limit', field: 'body' });
  }
  const status = err.statusCode ?? 500;
  if (status === 429) return reply.status(429).send({ error: 'rate_limited', message: err.message });
  if (status >= 400 && status < 500) {
    return reply.status(status).send({ error: 'bad_request', message: err.message, field: 'body' });
  }
  req.log.error({ err }, 'request failed');
  return reply.status(500).send({ error: 'internal', message: 'internal server error' });
}
