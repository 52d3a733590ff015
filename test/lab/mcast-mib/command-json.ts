// Runs an iproute2 command with JSON output in this namespace.
import { execFileSync } from 'node:child_process';

/** Parsed JSON output of a command; [] when it fails or prints nothing (no bridge, no mroute table). */
export function commandJson<T>(cmd: string, args: string[]): T[] {
  try {
    return JSON.parse(
      execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) || '[]',
    ) as T[];
  } catch {
    return [];
  }
}
