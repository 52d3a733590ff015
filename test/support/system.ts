// Which real parts (system commands) this machine has, so suites that need one skip with a reason.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const cache = new Map<string, boolean>();

/** True when `command` is on PATH (or is an absolute path that exists). */
export function haveCommand(command: string): boolean {
  let found = cache.get(command);
  if (found === undefined) {
    found = command.startsWith('/')
      ? existsSync(command)
      : spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
    cache.set(command, found);
  }
  return found;
}

/** True when running as root (network namespaces, raw sockets). */
export const isRoot = process.getuid?.() === 0;

/**
 * The reason a suite cannot run here, or undefined when it can. Use as
 * `describe.skipIf(reason)(...)` and print the reason so a skip is never silent.
 */
export function missingParts(parts: {
  commands?: string[];
  root?: boolean;
  paths?: string[];
}): string | undefined {
  const missing = [
    ...(parts.commands ?? []).filter((c) => !haveCommand(c)),
    ...(parts.paths ?? []).filter((p) => !existsSync(p)),
  ];
  if (parts.root && !isRoot) missing.push('root');
  if (missing.length === 0) return undefined;
  const reason = `needs ${missing.join(', ')}`;
  console.warn(`SKIP: ${reason}`);
  return reason;
}
