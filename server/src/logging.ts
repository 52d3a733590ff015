// pino JSON logs. Anything that could carry a secret is redacted, even if a future log call passes it.
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...['password', 'newPassword', 'currentPassword', 'community', 'authKey', 'privKey', 'token', 'secret', 'cookie', 'databaseUrl'].flatMap(
    (k) => [k, `*.${k}`, `*.*.${k}`],
  ),
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
