// Server configuration: defaults < config file (JSON) < environment variables.
// Every setting is validated at start; a bad one stops the server with a message naming it.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAddressOrRange } from '@netspotter/shared';
import { fileURLToPath } from 'node:url';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logFormat: 'auto' | 'json' | 'pretty';
  /** Initial admin password; generated and printed once when unset. */
  adminPassword?: string;
  /** Base64 of 32 bytes for AES-256-GCM; generated into the data folder when unset. */
  secretKey?: string;
  /** Largest CIDR range (in addresses) one target may cover. */
  maxTargetRange: number;
  sessionTtlHours: number;
  /** Failed-or-not login attempts allowed per client address per minute. */
  loginRateLimit: number;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /**
   * What this process does: `api` serves HTTP (API, GUI, agents) and fires schedules, `worker` executes jobs
   * (task runs, device polls), `all` both (the default; the embedded database needs it).
   */
  role: 'api' | 'worker' | 'all';
  /** Task runs one worker process executes at once. */
  runConcurrency: number;
  /** Devices one worker process polls at once (over every discovery run). */
  pollConcurrency: number;
  /**
   * HTTPS (default 'on'): TLS with tlsCertFile/tlsKeyFile, or a certificate generated into the data folder.
   * 'off' serves plaintext HTTP (behind a TLS-terminating proxy, or a lab); agents still need agentPlaintext.
   */
  tls: 'on' | 'off';
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Lets agents talk plaintext HTTP (for labs); refused by default. */
  agentPlaintext: boolean;
  /** Agent heartbeat interval: suspect after 3 missed beats, offline after 6. */
  agentHeartbeatSeconds: number;
  /** Monitor history retention: raw intervals (hours), 1-minute roll-ups (days), 1-hour roll-ups (days). */
  monitorRawHours: number;
  monitorMinuteDays: number;
  monitorHourDays: number;
  /** Bearer token that GET /metrics accepts (besides the address allowlist). */
  metricsToken?: string;
  /** Client addresses or CIDR ranges GET /metrics answers without a token. */
  metricsAllow: string[];
  /** Most monitor cells /metrics exports per-cell series for (the rest are counted, cells not ok first). */
  metricsMaxCells: number;
  /** Alert notifications: first retry after this many ms, doubling per attempt, at most alertAttempts tries. */
  alertRetryBaseMs: number;
  alertAttempts: number;
  /** Per-hop localisation of a degraded/lost cell: poll period, hops per incident, requests per device per second. */
  localisationPeriodMs: number;
  localisationMaxDevices: number;
  localisationRequestsPerSecond: number;
  /** Where the agent releases are (`npm run build` writes them to agent/dist/artifacts). */
  agentArtifactsDir: string;
}

export class ConfigError extends Error {}

interface Setting {
  key: keyof Config;
  env: string;
  parse: (raw: unknown) => unknown;
  describe: string;
}

const int = (min: number, max: number) => (raw: unknown) => {
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`must be an integer from ${min} to ${max}`);
  return n;
};
const str = (raw: unknown) => {
  if (typeof raw !== 'string' || raw.length === 0) throw new Error('must be a non-empty string');
  return raw;
};
const oneOf = (values: readonly string[]) => (raw: unknown) => {
  if (typeof raw !== 'string' || !values.includes(raw))
    throw new Error(`must be one of ${values.join(', ')}`);
  return raw;
};
const bool = (raw: unknown) => {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error('must be true or false');
};
const postgresUrl = (raw: unknown) => {
  const s = str(raw) as string;
  if (!/^postgres(ql)?:\/\//.test(s)) throw new Error('must be a postgres:// or postgresql:// URL');
  return s;
};
const secretKey = (raw: unknown) => {
  const s = str(raw) as string;
  if (Buffer.from(s, 'base64').length !== 32) throw new Error('must be base64 of exactly 32 bytes');
  return s;
};
const cidrList = (raw: unknown) => {
  const items = Array.isArray(raw)
    ? raw
    : typeof raw === 'string'
      ? raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  if (!items || !items.every((i) => typeof i === 'string'))
    throw new Error('must be addresses or CIDR ranges, comma-separated (a list in the config file)');
  for (const i of items) parseAddressOrRange(i);
  return items;
};
const password = (raw: unknown) => {
  const s = str(raw) as string;
  if (s.length < 8) throw new Error('must be at least 8 characters');
  return s;
};

export const SETTINGS: Setting[] = [
  { key: 'port', env: 'PORT', parse: int(0, 65535), describe: 'HTTP port (default 8080)' },
  { key: 'host', env: 'HOST', parse: str, describe: 'address to listen on (default 0.0.0.0)' },
  { key: 'dataDir', env: 'NETSPOTTER_DATA_DIR', parse: str, describe: 'data folder (default ./data)' },
  {
    key: 'databaseUrl',
    env: 'DATABASE_URL',
    parse: postgresUrl,
    describe: 'PostgreSQL URL; embedded PGlite when unset',
  },
  {
    key: 'logLevel',
    env: 'LOG_LEVEL',
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    describe: 'log level (default info)',
  },
  {
    key: 'logFormat',
    env: 'LOG_FORMAT',
    parse: oneOf(['auto', 'json', 'pretty']),
    describe: 'log lines: auto (readable on a terminal, JSON otherwise), json or pretty (default auto)',
  },
  {
    key: 'adminPassword',
    env: 'NETSPOTTER_ADMIN_PASSWORD',
    parse: password,
    describe: 'password of the first admin (generated when unset)',
  },
  {
    key: 'secretKey',
    env: 'NETSPOTTER_SECRET_KEY',
    parse: secretKey,
    describe: 'base64 32-byte key for secrets at rest (generated into the data folder when unset)',
  },
  {
    key: 'maxTargetRange',
    env: 'NETSPOTTER_MAX_TARGET_RANGE',
    parse: int(1, 1 << 20),
    describe: 'largest CIDR range of one target, in addresses (default 4096)',
  },
  {
    key: 'sessionTtlHours',
    env: 'NETSPOTTER_SESSION_TTL_HOURS',
    parse: int(1, 24 * 365),
    describe: 'GUI session lifetime (default 12)',
  },
  {
    key: 'loginRateLimit',
    env: 'NETSPOTTER_LOGIN_RATE_LIMIT',
    parse: int(1, 10000),
    describe: 'login attempts per client per minute (default 10)',
  },
  {
    key: 'bodyLimit',
    env: 'NETSPOTTER_BODY_LIMIT',
    parse: int(1024, 64 * 1024 * 1024),
    describe: 'largest request body in bytes (default 1048576)',
  },
  {
    key: 'role',
    env: 'NETSPOTTER_ROLE',
    parse: oneOf(['api', 'worker', 'all']),
    describe: 'api (HTTP, schedules), worker (executes jobs) or all (default all)',
  },
  {
    key: 'runConcurrency',
    env: 'NETSPOTTER_RUN_CONCURRENCY',
    parse: int(1, 64),
    describe: 'task runs one worker executes at once (default 4)',
  },
  {
    key: 'pollConcurrency',
    env: 'NETSPOTTER_POLL_CONCURRENCY',
    parse: int(1, 4096),
    describe: 'devices one worker polls at once, over all discovery runs (default 128)',
  },
  {
    key: 'tls',
    env: 'NETSPOTTER_TLS',
    parse: oneOf(['on', 'off']),
    describe: 'serve HTTPS (default on: configured or generated certificate; off: plaintext HTTP)',
  },
  {
    key: 'tlsCertFile',
    env: 'NETSPOTTER_TLS_CERT',
    parse: str,
    describe: 'PEM certificate file for HTTPS (generated when unset)',
  },
  { key: 'tlsKeyFile', env: 'NETSPOTTER_TLS_KEY', parse: str, describe: 'PEM private key file for HTTPS' },
  {
    key: 'agentPlaintext',
    env: 'NETSPOTTER_AGENT_PLAINTEXT',
    parse: bool,
    describe: 'accept agents over plaintext HTTP (default false)',
  },
  {
    key: 'agentHeartbeatSeconds',
    env: 'NETSPOTTER_AGENT_HEARTBEAT_SECONDS',
    parse: int(1, 3600),
    describe: 'agent heartbeat interval (default 5)',
  },
  {
    key: 'monitorRawHours',
    env: 'NETSPOTTER_MONITOR_RAW_HOURS',
    parse: int(1, 24 * 366),
    describe: 'monitor history: hours of raw intervals kept (default 48)',
  },
  {
    key: 'monitorMinuteDays',
    env: 'NETSPOTTER_MONITOR_MINUTE_DAYS',
    parse: int(1, 3660),
    describe: 'monitor history: days of 1-minute roll-ups kept (default 30)',
  },
  {
    key: 'monitorHourDays',
    env: 'NETSPOTTER_MONITOR_HOUR_DAYS',
    parse: int(1, 36600),
    describe: 'monitor history: days of 1-hour roll-ups kept (default 365)',
  },
  {
    key: 'alertRetryBaseMs',
    env: 'NETSPOTTER_ALERT_RETRY_BASE_MS',
    parse: int(10, 600_000),
    describe: 'alert notifications: first retry after this many ms, doubling each time (default 2000)',
  },
  {
    key: 'alertAttempts',
    env: 'NETSPOTTER_ALERT_ATTEMPTS',
    parse: int(1, 20),
    describe: 'alert notifications: tries per channel before giving up (default 6)',
  },
  {
    key: 'localisationPeriodMs',
    env: 'NETSPOTTER_LOCALISATION_PERIOD_MS',
    parse: int(100, 3_600_000),
    describe: "per-hop localisation: ms between polls along a failing cell's path (default 30000)",
  },
  {
    key: 'localisationMaxDevices',
    env: 'NETSPOTTER_LOCALISATION_MAX_DEVICES',
    parse: int(1, 64),
    describe: 'per-hop localisation: most devices polled per incident (default 8)',
  },
  {
    key: 'localisationRequestsPerSecond',
    env: 'NETSPOTTER_LOCALISATION_REQUESTS_PER_SECOND',
    parse: int(1, 100),
    describe: 'per-hop localisation: most SNMP requests per device per second (default 5)',
  },
  {
    key: 'metricsToken',
    env: 'NETSPOTTER_METRICS_TOKEN',
    parse: (raw) => {
      const s = str(raw) as string;
      if (s.length < 16) throw new Error('must be at least 16 characters');
      return s;
    },
    describe: 'bearer token for GET /metrics (unset: the address allowlist only)',
  },
  {
    key: 'metricsAllow',
    env: 'NETSPOTTER_METRICS_ALLOW',
    parse: cidrList,
    describe: 'addresses or CIDRs GET /metrics answers without a token (default 127.0.0.1,::1)',
  },
  {
    key: 'metricsMaxCells',
    env: 'NETSPOTTER_METRICS_MAX_CELLS',
    parse: int(0, 1_000_000),
    describe: 'monitor cells exported per cell metric on /metrics (default 10000)',
  },
  {
    key: 'agentArtifactsDir',
    env: 'NETSPOTTER_AGENT_ARTIFACTS',
    parse: str,
    describe: 'folder of agent release tarballs handed out to hosts (default agent/dist/artifacts)',
  },
];

export const DEFAULTS: Config = {
  port: 8080,
  host: '0.0.0.0',
  dataDir: './data',
  logLevel: 'info',
  logFormat: 'auto',
  maxTargetRange: 4096,
  sessionTtlHours: 12,
  loginRateLimit: 10,
  bodyLimit: 1024 * 1024,
  role: 'all',
  runConcurrency: 4,
  pollConcurrency: 128,
  tls: 'on',
  agentPlaintext: false,
  agentHeartbeatSeconds: 5,
  monitorRawHours: 48,
  monitorMinuteDays: 30,
  monitorHourDays: 365,
  metricsAllow: ['127.0.0.1', '::1'],
  metricsMaxCells: 10_000,
  alertRetryBaseMs: 2000,
  alertAttempts: 6,
  localisationPeriodMs: 30_000,
  localisationMaxDevices: 8,
  localisationRequestsPerSecond: 5,
  agentArtifactsDir: fileURLToPath(new URL('../../../agent/dist/artifacts', import.meta.url)),
};

/**
 * Loads the configuration. The file is `NETSPOTTER_CONFIG`, or `netspotter.config.json` in the
 * working directory when present; its keys are the Config names (camelCase).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const cfg: Record<string, unknown> = { ...DEFAULTS };
  const filePath =
    env.NETSPOTTER_CONFIG ?? (existsSync('netspotter.config.json') ? 'netspotter.config.json' : undefined);
  if (filePath) {
    let file: unknown;
    try {
      file = JSON.parse(readFileSync(filePath, 'utf8'));
    } catch (err) {
      throw new ConfigError(`config file ${filePath}: ${(err as Error).message}`);
    }
    if (typeof file !== 'object' || file === null || Array.isArray(file)) {
      throw new ConfigError(`config file ${filePath}: must be a JSON object`);
    }
    for (const [key, value] of Object.entries(file)) {
      const setting = SETTINGS.find((s) => s.key === key);
      if (!setting) throw new ConfigError(`config file ${filePath}: unknown setting "${key}"`);
      cfg[key] = parseSetting(setting, value, `"${key}" in ${filePath}`);
    }
  }
  for (const setting of SETTINGS) {
    const raw = env[setting.env];
    if (raw !== undefined && raw !== '') cfg[setting.key] = parseSetting(setting, raw, setting.env);
  }
  Object.assign(cfg, overrides);
  if (!cfg.tlsCertFile !== !cfg.tlsKeyFile) {
    throw new ConfigError(
      'invalid setting NETSPOTTER_TLS_CERT / NETSPOTTER_TLS_KEY: give both the certificate and its key, or neither',
    );
  }
  if (cfg.role !== 'all' && !cfg.databaseUrl) {
    throw new ConfigError(
      `invalid setting NETSPOTTER_ROLE: ${String(cfg.role)} needs DATABASE_URL (the embedded database serves one process, which does everything: role all)`,
    );
  }
  if (cfg.role !== 'all' && !cfg.secretKey) {
    throw new ConfigError(
      `invalid setting NETSPOTTER_ROLE: ${String(cfg.role)} needs NETSPOTTER_SECRET_KEY (every process of the cluster opens the same stored credentials)`,
    );
  }
  cfg.dataDir = resolve(cfg.dataDir as string);
  cfg.agentArtifactsDir = resolve(cfg.agentArtifactsDir as string);
  return cfg as unknown as Config;
}

function parseSetting(setting: Setting, raw: unknown, where: string): unknown {
  try {
    return setting.parse(raw);
  } catch (err) {
    // Secrets are never echoed back, even when invalid.
    const secret =
      setting.key === 'adminPassword' ||
      setting.key === 'secretKey' ||
      setting.key === 'databaseUrl' ||
      setting.key === 'metricsToken';
    const shown = secret ? '' : ` (got ${JSON.stringify(raw)})`;
    throw new ConfigError(`invalid setting ${where}: ${(err as Error).message}${shown}`);
  }
}
