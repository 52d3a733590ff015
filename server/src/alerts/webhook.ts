// Webhook channels: only http(s) URLs, shown with their secrets masked, and JSON posts signed with
// HMAC-SHA256 over `<timestamp>.<body>` (the timestamp header lets receivers refuse replays).
import { createHmac } from 'node:crypto';
import { badRequest } from '../domain-errors.ts';

export const SIGNATURE_HEADER = 'x-netspotter-signature';
export const TIMESTAMP_HEADER = 'x-netspotter-timestamp';
const MASK = '***';
const TIMEOUT_MS = 10_000;

/** The URL if it is an absolute http(s) URL, else a 400 naming `field`. */
export function checkWebhookUrl(raw: string, field = 'webhook.url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest(field, 'not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw badRequest(field, `only http and https URLs are allowed, not ${url.protocol.replace(/:$/, '')}`);
  if (!url.hostname) throw badRequest(field, 'the URL names no host');
  return url;
}

/** Looks like a token: long runs of letters, digits, `-` and `_` (Slack, Teams and Discord hooks). */
const TOKENISH = /^[A-Za-z0-9_-]{16,}$/;

/** The URL as it may be shown or logged: user info, query values and token-like path parts masked. */
export function maskUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return MASK;
  }
  if (url.username) url.username = MASK;
  if (url.password) url.password = MASK;
  for (const k of [...url.searchParams.keys()]) url.searchParams.set(k, MASK);
  url.pathname = url.pathname
    .split('/')
    .map((part) => (TOKENISH.test(decodeURIComponent(part)) ? MASK : part))
    .join('/');
  return decodeURI(url.toString());
}

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Posts the JSON body once; a non-2xx answer or a timeout is an error (its text never holds the URL). */
export async function postWebhook(url: string, body: string, secret: string | undefined, now = Date.now()) {
  const timestamp = String(Math.floor(now / 1000));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'netspotter-alerts',
    [TIMESTAMP_HEADER]: timestamp,
    ...(secret && { [SIGNATURE_HEADER]: signature(secret, timestamp, body) }),
  };
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
  } catch (err) {
    // fetch's errors can quote the URL: keep only the cause's code or message.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(cause?.code ?? cause?.message ?? (err as Error).name);
  }
  await res.body?.cancel();
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}`);
}
