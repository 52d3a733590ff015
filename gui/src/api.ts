// Calls to the server's REST API. Every failure becomes a RequestError carrying the server's
// { error, message, field?, lines? } and is announced in the notice area.
import type { LineError } from '@netspotter/shared/api';
import { noticeError } from './notices.ts';

export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly lines?: LineError[],
    readonly issues?: Array<{ path: string; message: string }>,
  ) {
    super(message);
  }
}

type Listener = () => void;
let onUnauthenticated: Listener = () => undefined;
/** What to do when the session is gone (the shell shows the login form). */
export const setUnauthenticatedHandler = (fn: Listener): void => {
  onUnauthenticated = fn;
};

export interface CallOptions {
  /** Do not announce a 401 (used by the start-up "who am I" probe). */
  quietUnauthenticated?: boolean;
  /** Statuses the caller explains itself, in place (e.g. 404 for an API this server lacks). */
  quiet?: number[];
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: CallOptions = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    const err = new RequestError(0, 'network', `${method} ${path}: the server cannot be reached`);
    noticeError(err.message);
    throw err;
  }
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
  const payload = (await res.json().catch(() => ({}))) as {
    issues?: Array<{ path: string; message: string }>;
    error?: string;
    message?: string;
    field?: string;
    lines?: LineError[];
  };
  const err = new RequestError(
    res.status,
    payload.error ?? 'http',
    payload.message ?? `${res.status} ${res.statusText}`,
    payload.field,
    payload.lines,
    payload.issues,
  );
  if ((res.status === 401 && opts.quietUnauthenticated) || opts.quiet?.includes(res.status)) throw err;
  noticeError(`${describe(method, path)} failed: ${err.message}`);
  if (res.status === 401 && path !== '/api/auth/login') onUnauthenticated();
  throw err;
}

function describe(method: string, path: string): string {
  const verb: Record<string, string> = {
    GET: 'Loading',
    POST: 'Saving',
    PATCH: 'Updating',
    DELETE: 'Deleting',
  };
  return `${verb[method] ?? method} ${path.replace(/\?.*/, '')}`;
}
