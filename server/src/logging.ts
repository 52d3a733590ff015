// pino logs: JSON lines when piped (systemd, Docker, log shippers), readable lines on a terminal.
// Anything that could carry a secret is redacted, even if a future log call passes it.
import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'newPassword',
    'currentPassword',
    'community',
    'authKey',
    'privKey',
    'token',
    'secret',
    'cookie',
    'databaseUrl',
  ].flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

export type LogFormat = 'auto' | 'json' | 'pretty';

/** Readable lines for a person at a terminal: time, level, [request id] message, then the other fields. */
export function prettyStream(out: NodeJS.WritableStream = process.stdout): DestinationStream {
  return pinoPretty({
    destination: out,
    sync: true,
    colorize: 'isTTY' in out && out.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,reqId',
    messageFormat: '{if reqId}[{reqId}] {end}{msg}',
  });
}

export function createLogger(
  level: string,
  destination?: DestinationStream,
  format: LogFormat = 'json',
): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && !destination && process.stdout.isTTY === true);
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    pretty ? prettyStream() : destination,
  );
}
