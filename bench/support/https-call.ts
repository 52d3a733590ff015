// What the benchmarks' simulated clients share: a timed HTTPS request and a nearest-rank percentile.
import { request, type Agent } from 'node:https';

export interface Reply {
  status: number;
  ms: number;
  body: string;
}

/** One request over `via` (its sockets and trusted CA), timed from send to the last byte of the reply. */
export function timedCall(
  base: string,
  via: Agent,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      { method, agent: via, headers: { ...headers, ...(payload && { 'content-type': 'application/json' }) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
