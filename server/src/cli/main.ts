// Entry point of the `netspotter` command (see bin/netspotter.js).
import { buildProgram, reportError } from './program.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
