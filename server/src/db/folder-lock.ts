// A PID lock file, so two processes never open the same embedded database folder.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class FolderInUseError extends Error {}

/** Takes the lock or throws FolderInUseError naming the holder; returns the release function. */
export function acquireFolderLock(dir: string, name: string): () => void {
  const path = join(dir, name);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (holder && alive(holder)) {
        throw new FolderInUseError(
          `the embedded database in ${dir} is in use by process ${holder}; stop it first (or use the API while it runs)`,
        );
      }
      rmSync(path, { force: true }); // stale lock from a process that died
    }
  }
  throw new FolderInUseError(`could not lock ${path}`);
}
