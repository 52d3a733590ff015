// RFC 5424 syslog messages (pure): `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD…] MSG`, and the
// octet-counting frame stream transports (TCP, TLS: RFC 6587 §3.4.1 / RFC 5425 §4.3) put around each.
// Header fields are printable US-ASCII without spaces, cut to their RFC lengths, "-" when empty;
// SD-PARAM values escape `"`, `\` and `]`; MSG is UTF-8 behind a BOM, as RFC 5424 §6.4 asks.

export const FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;
export type Facility = keyof typeof FACILITIES;

export const SEVERITIES = {
  emergency: 0,
  alert: 1,
  critical: 2,
  error: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
} as const;
export type SyslogSeverity = keyof typeof SEVERITIES;

export interface SyslogMessage {
  facility: Facility;
  severity: SyslogSeverity;
  /** Milliseconds since the epoch; rendered in UTC with milliseconds. */
  time: number;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  /** SD-ID → parameters; ids without `@` must be IANA-registered, ours use `name@enterprise`. */
  structuredData?: Record<string, Record<string, string>>;
  msg?: string;
}

const BOM = '\u{feff}';

/** A header field: printable ASCII 33..126 only, at most `max` characters, "-" for none. */
function field(value: string | undefined, max: number): string {
  const clean = (value ?? '').replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** SD-NAME: printable ASCII except `= ] "` and space, at most 32. */
const sdName = (n: string) => n.replace(/[^\x21-\x7e]|[=\]"]/g, '').slice(0, 32);
const sdValue = (v: string) => v.replace(/["\\\]]/g, (c) => `\\${c}`);

export function formatSyslog(m: SyslogMessage): string {
  const pri = FACILITIES[m.facility] * 8 + SEVERITIES[m.severity];
  const sd = Object.entries(m.structuredData ?? {})
    .map(
      ([id, params]) =>
        `[${sdName(id)}${Object.entries(params)
          .map(([k, v]) => ` ${sdName(k)}="${sdValue(v)}"`)
          .join('')}]`,
    )
    .join('');
  const header = [
    `<${pri}>1`,
    new Date(m.time).toISOString(),
    field(m.hostname, 255),
    field(m.appName, 48),
    field(m.procId, 128),
    field(m.msgId, 32),
    sd === '' ? '-' : sd,
  ].join(' ');
  return m.msg === undefined ? header : `${header} ${BOM}${m.msg}`;
}

/** One message framed for a stream transport: its length in octets, a space, the message. */
export const octetFrame = (message: string) => `${Buffer.byteLength(message)} ${message}`;

/** Splits a stream of octet-counted frames; returns the messages and the unfinished rest. */
export function splitFrames(stream: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let at = 0;
  for (;;) {
    const space = stream.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(stream.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0) throw new Error('bad syslog frame length');
    if (space + 1 + len > stream.length) break;
    messages.push(stream.subarray(space + 1, space + 1 + len).toString('utf8'));
    at = space + 1 + len;
  }
  return { messages, rest: stream.subarray(at) };
}
