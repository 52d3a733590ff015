// Log lines on stdout: one JSON object per line (time, level, msg, fields) when piped, as systemd,
// journald and Docker expect; readable lines (pino-pretty's formatter) for a person at a terminal.
import { prettyFactory } from 'pino-pretty';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** pino's numeric levels, which the pretty formatter reads. */
const PINO_LEVEL: Record<Level, number> = { debug: 20, info: 30, warn: 40, error: 50 };

export type LogFormat = 'auto' | 'json' | 'pretty';

export interface Logger {
  debug(msg: string, fields?: object): void;
  info(msg: string, fields?: object): void;
  warn(msg: string, fields?: object): void;
  error(msg: string, fields?: object): void;
}

export function jsonLogger(
  level: Level = 'info',
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  return logger(
    level,
    (l, msg, fields) => `${JSON.stringify({ time: new Date().toISOString(), level: l, msg, ...fields })}\n`,
    write,
  );
}

export function prettyLogger(
  level: Level = 'info',
  write: (line: string) => void = (l) => process.stdout.write(l),
  colorize = false,
): Logger {
  const pretty = prettyFactory({ colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return logger(
    level,
    (l, msg, fields) => pretty({ ...fields, time: Date.now(), level: PINO_LEVEL[l], msg }),
    write,
  );
}

/** JSON unless `format` asks for pretty lines, or is 'auto' and stdout is a terminal. */
export function consoleLogger(level: Level = 'info', format: LogFormat = 'auto'): Logger {
  const tty = process.stdout.isTTY === true;
  return format === 'pretty' || (format === 'auto' && tty)
    ? prettyLogger(level, undefined, tty)
    : jsonLogger(level);
}

function logger(
  level: Level,
  line: (l: Level, msg: string, fields?: object) => string,
  write: (line: string) => void,
): Logger {
  const at = (l: Level) => (msg: string, fields?: object) => {
    if (RANK[l] >= RANK[level]) write(line(l, msg, fields));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
