// What the benchmarks' simulated clients share: a timed HTTPS request and a nearest-rank percentile.
import { request, type Agent } from 'node:https';
import { gunzipSync } from 'node:zlib';

export interface Reply {
  status: number;
  ms: number;
  body: string;
  /** Bytes on the wire (compressed when the server gzipped the reply). */
  wireBytes: number;
}

/**
 * One request over `via` (its sockets and trusted CA), timed from send to the last byte of the reply — and
 * its decompression, when the request accepted gzip (as browsers do) and the server used it.
 */
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
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const wire = Buffer.concat(chunks);
          const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire).toString(
            'utf8',
          );
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - t,
            body: text,
            wireBytes: wire.length,
          });
        });
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
