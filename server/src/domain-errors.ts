// Domain errors: what a refusal means, never how HTTP says it. Every one carries a code from the
// catalog below (the `error` of the API's error body); the route layer maps codes to HTTP statuses
// (http/errors.ts) and the CLI prints the message. Fastify's own errors.js is the model: one catalog,
// and every error made from it.

/** The catalog. */
export type DomainCode =
  /** The input is wrong; `field` names where (`args.pps`, `steps[2].message.body.dst`). */
  | 'bad_request'
  /** The input does not fit its schema (a sequence definition): worded by the step's own kind. */
  | 'validation'
  /** A message does not encode against its templates; `issues` lists every problem by path. */
  | 'invalid_message'
  /** A template definition has problems; `issues` lists every problem by path. */
  | 'invalid_template'
  /** A pasted target list has bad lines; `lines` lists each with its number and reason. */
  | 'invalid_lines'
  /** The thing named does not exist. */
  | 'not_found'
  /** The change clashes with what exists: a name taken, a state already left, the last admin. */
  | 'conflict'
  /** The caller is not who it claims: an unknown key, a used enrolment token. */
  | 'unauthenticated'
  /** The caller may not do this to this thing (another user's credential). */
  | 'forbidden'
  /** An admin disconnected this agent. */
  | 'agent_disconnected'
  /** An admin has blocked new agent enrolments. */
  | 'enrolment_blocked'
  /** This server accepts agents over HTTPS only. */
  | 'tls_required'
  /** The agent is older than this server accepts: the error body carries the release to install. */
  | 'agent_outdated';

export class DomainError extends Error {
  constructor(
    readonly code: DomainCode,
    message: string,
    readonly field?: string,
    /** Further members of the error body (`issues`, `lines`). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badRequest = (field: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('bad_request', `${field}: ${message}`, field, details);
export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const conflict = (field: string, message: string) => new DomainError('conflict', message, field);
