// The server's side of the `netspotter` command (bin/netspotter.js; `agent …` goes to the agent).
import { buildProgram, reportError } from './program.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
