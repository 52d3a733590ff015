// Typed errors: a bad template definition, a message that does not fit its template, undecodable bytes.

/** One problem, located by a path such as `body.body.records[2].sources[0]`. */
export interface Issue {
  path: string;
  message: string;
}

function describe(issues: Issue[]): string {
  const first = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  return first.length > 3
    ? `${first.slice(0, 3).join('; ')} (and ${first.length - 3} more)`
    : first.join('; ');
}

/** A template definition is invalid (unknown field reference, misaligned bits, extends cycle…). */
export class TemplateError extends Error {
  constructor(
    readonly template: string,
    readonly issues: Issue[],
  ) {
    super(`template "${template}": ${describe(issues)}`);
    this.name = 'TemplateError';
  }
}

/** A message (or expected message) does not fit its template. */
export class MessageError extends Error {
  constructor(readonly issues: Issue[]) {
    super(describe(issues));
    this.name = 'MessageError';
  }
}

/** Bytes cannot be decoded against a template; `offset` is where decoding stopped. */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly offset: number,
  ) {
    super(`${path ? `${path}: ` : ''}${message} (at byte ${offset})`);
    this.name = 'DecodeError';
  }
}

export function joinPath(base: string, name: string | number): string {
  if (typeof name === 'number') return `${base}[${name}]`;
  return base ? `${base}.${name}` : name;
}
