// Runs `netspotter discover` through the command module (the same one the netspotter binary mounts).
import { discoverCommand } from '../../server/src/cli/discover.ts';

await discoverCommand().parseAsync(process.argv.slice(2), { from: 'user' });
