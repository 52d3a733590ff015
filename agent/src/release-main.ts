// The entry point of an agent release: the CLI, bundled with everything it imports into one script
// that runs inside a Node single executable (scripts/build-release.mjs).
import { agentCli } from './cli.ts';

void agentCli(process.argv.slice(2), 'netspotter-agent').then((code) => {
  process.exitCode = code;
});
