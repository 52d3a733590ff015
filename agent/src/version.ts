// The agent release, reported in host facts, in every request's version header and in sessions. A
// release build stamps it (esbuild's define of NETSPOTTER_AGENT_VERSION); run from a checkout it is
// agent/package.json's version.
import { readFileSync } from 'node:fs';

declare const NETSPOTTER_AGENT_VERSION: string | undefined;

const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

export const AGENT_VERSION: string =
  typeof NETSPOTTER_AGENT_VERSION === 'string' ? NETSPOTTER_AGENT_VERSION : packageVersion();
