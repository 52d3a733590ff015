// Restarting into another release. Under systemd (INVOCATION_ID is set for services) the agent exits
// with EXIT_RESTART_FOR_UPDATE and the unit (Restart=always) starts ROOT/current anew; elsewhere it
// starts the release itself, detached with the same arguments, and exits.
import { spawn } from 'node:child_process';
import { EXIT_RESTART_FOR_UPDATE } from '@netspotter/shared/agent-protocol';

/** Starts `executable` when nothing else will; the exit code this process should end with. */
export function restartInto(
  executable: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (env.INVOCATION_ID) return EXIT_RESTART_FOR_UPDATE;
  spawn(executable, args, { detached: true, stdio: 'inherit' }).unref();
  return 0;
}
