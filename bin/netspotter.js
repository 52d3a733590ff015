#!/usr/bin/env node
// The `netspotter` command: `netspotter agent …` is the agent's command line (agent/src/cli.ts), every
// other command the server's (server/src/cli/). Each side loads only its own code: the agent is
// deployed without the server. The code is TypeScript run through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const [command, ...rest] = process.argv.slice(2);
if (command === 'agent') {
  const { agentCli } = await import('@netspotter/agent/cli');
  process.exitCode = await agentCli(rest, 'netspotter agent');
} else {
  await import('@netspotter/server/cli/main');
}
