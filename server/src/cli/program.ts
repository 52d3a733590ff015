// The `netspotter` command tree: one program, a subcommand per job. Commands load their heavy
// modules (database, HTTP server) inside their actions, so `--help` stays quick.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.ts';
import { FolderInUseError } from '../db/folder-lock.ts';
import { DomainError } from '../domain-errors.ts';
import { SERVER_VERSION } from '../version.ts';
import { serverCommand } from './server-command.ts';
import { userCommand } from './user-command.ts';
import { tokenCommand } from './token-command.ts';
import { migrateCommand } from './migrate-command.ts';
import { discoverCommand } from './discover.ts';
import { framesCommand } from './frames.ts';
import { monitorCommand, StatusError } from './monitor-command.ts';

export function buildProgram(): Command {
  const program = new Command('netspotter')
    .description('Monitor and test IPv6 multicast networks')
    .version(SERVER_VERSION)
    .showHelpAfterError()
    .addCommand(serverCommand())
    .addCommand(userCommand())
    .addCommand(tokenCommand())
    .addCommand(migrateCommand())
    .addCommand(discoverCommand())
    .addCommand(framesCommand())
    .addCommand(monitorCommand())
    // The agent's own command line runs beside this one (bin/netspotter.js hands `agent …` to it).
    .addHelpText(
      'after',
      '\nThe agent: netspotter agent --server URL [--token TOKEN] [--config FILE] (netspotter agent --help)',
    );
  return program;
}

/** Expected failures print one line; anything else is a bug and shows its stack. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode;
  if (
    err instanceof ConfigError ||
    err instanceof FolderInUseError ||
    err instanceof DomainError ||
    err instanceof StatusError
  ) {
    console.error(`netspotter: ${err.message}`);
    return 2;
  }
  console.error(err);
  return 1;
}
