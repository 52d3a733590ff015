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
    const err = new RequestError(
      0,
      'network',
      'The server cannot be reached: check the connection and try again',
    );
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
  noticeError(`${describe(method, path)}: ${err.message}`);
  if (res.status === 401 && path !== '/api/auth/login') onUnauthenticated();
  throw err;
}

const NOUNS: Record<string, string> = {
  auth: 'session',
  targets: 'targets',
  credentials: 'credentials',
  tasks: 'task',
  'task-kinds': 'task kinds',
  runs: 'run',
  schedules: 'schedule',
  templates: 'template',
  frames: 'frames',
  sequences: 'sequence',
  agents: 'agents',
  jobs: 'jobs',
  snapshots: 'snapshot',
  topology: 'topology',
  devices: 'device',
  search: 'search results',
  audit: 'audit trail',
  users: 'users',
  tokens: 'tokens',
  'map-positions': 'map layout',
  monitors: 'monitor',
  cron: 'schedule preview',
};

/** What failed, in words: "Could not save the targets" (never the API path). */
export function describe(method: string, path: string): string {
  if (path === '/api/auth/login') return 'Could not log in';
  const segment = path.replace(/\?.*/, '').split('/')[2] ?? '';
  const noun = NOUNS[segment] ?? 'data';
  const verb: Record<string, string> = {
    GET: 'load',
    POST: 'save',
    PUT: 'save',
    PATCH: 'update',
    DELETE: 'delete',
  };
  return `Could not ${verb[method] ?? 'send'} the ${noun}`;
}
