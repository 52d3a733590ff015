// Agent configuration (a JSON file, all optional): name, state folder, heartbeat, engine and the local
// safety policy. Unknown keys are refused so a typo in a policy limit is never silently ignored.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { AGENT_NAME_PATTERN } from '@netspotter/shared/agent-protocol';
import type { EnginePreference } from './engine/select-engine.ts';
import type { LogFormat } from './log.ts';
import { PolicySchema } from './policy.ts';

function logFormatOf(fromEnv: string | undefined, fromFile: LogFormat | undefined): LogFormat {
  if (fromEnv === undefined || fromEnv === '') return fromFile ?? 'auto';
  if (fromEnv === 'auto' || fromEnv === 'json' || fromEnv === 'pretty') return fromEnv;
  throw new Error(`LOG_FORMAT must be auto, json or pretty, got "${fromEnv}"`);
}

export const AgentConfigSchema = Type.Object(
  {
    /** The server URL (an installed agent keeps it here; --server overrides it). */
    server: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 300 })),
    /** A file holding the one-time enrolment token (install.sh writes it); deleted once enrolled. */
    tokenFile: Type.Optional(Type.String({ minLength: 1 })),
    name: Type.Optional(Type.String({ pattern: AGENT_NAME_PATTERN })),
    stateDir: Type.Optional(Type.String({ minLength: 1 })),
    engine: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('native'), Type.Literal('cap')])),
    logLevel: Type.Optional(
      Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
    ),
    /** auto: readable lines on a terminal, JSON when piped (systemd, Docker). LOG_FORMAT overrides it. */
    logFormat: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')]),
    ),
    policy: Type.Optional(PolicySchema),
  },
  { additionalProperties: false },
);
export type AgentConfigFile = Static<typeof AgentConfigSchema>;

export interface AgentConfig {
  server?: string;
  tokenFile?: string;
  name: string;
  stateDir: string;
  engine: EnginePreference;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  logFormat: LogFormat;
  policy: Static<typeof PolicySchema>;
}

export function loadAgentConfig(file?: string, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  let raw: unknown = {};
  if (file) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`agent config ${file}: ${(err as Error).message}`);
    }
  }
  const check = Compile(AgentConfigSchema);
  if (!check.Check(raw)) {
    const [e] = check.Errors(raw);
    throw new Error(`agent config ${file}: ${e?.instancePath || '/'} ${e?.message ?? 'invalid'}`);
  }
  const c = raw as AgentConfigFile;
  return {
    ...(c.server && { server: c.server }),
    ...(c.tokenFile && { tokenFile: resolve(c.tokenFile) }),
    name:
      c.name ??
      hostname()
        .replace(/[^A-Za-z0-9_.-]/g, '-')
        .slice(0, 63),
    stateDir: resolve(c.stateDir ?? './netspotter-agent'),
    engine: c.engine ?? 'auto',
    logLevel: c.logLevel ?? 'info',
    logFormat: logFormatOf(env.LOG_FORMAT, c.logFormat),
    policy: c.policy ?? {},
  };
}
