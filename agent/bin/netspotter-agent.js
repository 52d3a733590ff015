#!/usr/bin/env node
// `netspotter-agent`: the agent alone (`netspotter agent` runs the same command line). The code is
// TypeScript run through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { agentCli } = await import('../src/cli.ts');
process.exitCode = await agentCli(process.argv.slice(2), 'netspotter-agent');
