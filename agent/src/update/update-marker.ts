// What an update left for the next process to finish (ROOT state folder `update.json`): a release
// switched to (the new one must beat in time or switch back), or a switch back (to be reported).
import { existsSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export interface UpdateMarker {
  from: string;
  to: string;
  phase: 'switched' | 'rolled-back';
  message?: string;
  /** When the switch happened (ms since the epoch). */
  at: number;
}

const path = (stateDir: string) => join(stateDir, 'update.json');

export function readMarker(stateDir: string): UpdateMarker | undefined {
  if (!existsSync(path(stateDir))) return undefined;
  try {
    return JSON.parse(readFileSync(path(stateDir), 'utf8')) as UpdateMarker;
  } catch {
    return undefined; // half-written by a crash: nothing to finish
  }
}

export function writeMarker(stateDir: string, m: UpdateMarker): void {
  const tmp = `${path(stateDir)}.tmp`;
  writeFileSync(tmp, JSON.stringify(m), { mode: 0o600 });
  renameSync(tmp, path(stateDir));
}

export const clearMarker = (stateDir: string) => rmSync(path(stateDir), { force: true });
