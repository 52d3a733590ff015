// `netspotter monitor status MONITOR`: the monitor's matrix from a running server's API, judged; exit 0
// when healthy, 1 when any cell is degraded, lost, stale or never seen, the summaries are stale or the
// monitor is stopped (for scripts and cron), 2 when the server cannot be asked.
import { readFileSync, existsSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Command } from 'commander';
import type { Matrix } from '@netspotter/shared/api';
import { loadConfig } from '../config/config.ts';
import { formatStatus, statusReport } from '../monitors/status-report.ts';

/** The server could not be asked (no token, unreachable, an error answer): exit 2. */
export class StatusError extends Error {}

function get(url: URL, token: string, ca: Buffer | undefined): Promise<{ status: number; body: string }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'GET', headers: { authorization: `Bearer ${token}` }, ...(ca && { ca }), timeout: 15_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
    req.end();
  });
}

export function monitorCommand(): Command {
  const cmd = new Command('monitor').description('continuous monitors');
  cmd
    .command('status')
    .description(
      'judge a monitor now: exit 0 healthy, 1 when a cell is degraded/lost/stale or summaries are stale, 2 on error',
    )
    .argument('<monitor>', 'monitor name or id')
    .option('--json', 'print the report as JSON')
    .option('--url <url>', 'server URL (default: this host, https://127.0.0.1:PORT from the server settings)')
    .option('--token <token>', 'API token (default: $NETSPOTTER_TOKEN)')
    .option(
      '--ca <file>',
      "CA certificate to trust (default: the server's own certificate in its data folder)",
    )
    .action(async (monitor: string, opts: { json?: boolean; url?: string; token?: string; ca?: string }) => {
      const token = opts.token ?? process.env.NETSPOTTER_TOKEN;
      if (!token)
        throw new StatusError(
          'an API token is needed: --token or NETSPOTTER_TOKEN (netspotter token create)',
        );
      const config = loadConfig();
      const base = new URL(opts.url ?? `https://127.0.0.1:${config.port}`);
      const caFile = opts.ca ?? join(config.dataDir, 'tls', 'server.crt');
      const ca = base.protocol === 'https:' && existsSync(caFile) ? readFileSync(caFile) : undefined;
      let res;
      try {
        res = await get(new URL(`/api/monitors/${encodeURIComponent(monitor)}/matrix`, base), token, ca);
      } catch (err) {
        throw new StatusError(`cannot reach ${base.origin}: ${(err as Error).message}`);
      }
      if (res.status !== 200) {
        const msg = (() => {
          try {
            return (JSON.parse(res.body) as { message?: string }).message;
          } catch {
            return undefined;
          }
        })();
        throw new StatusError(`${base.origin} answered ${res.status}${msg ? `: ${msg}` : ''}`);
      }
      const report = statusReport(JSON.parse(res.body) as Matrix);
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatStatus(report));
      process.exitCode = report.healthy ? 0 : 1;
    });
  return cmd;
}
