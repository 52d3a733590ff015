// One process per embedded database folder: a second one would corrupt it. The lock is an abstract Unix
// socket named after the folder's identity (device and inode): binding is atomic, and the kernel
// releases it when the holder dies however it dies, so a `kill -9` leaves nothing stale and a reused
// PID (the server as PID 1 in a container) cannot look like the holder. A file beside it names the
// holder's PID for the error message only. Abstract sockets live per network namespace: two processes
// in different network namespaces on one folder are not caught (a container per server is).
import { statSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

export class FolderInUseError extends Error {}

/** Takes the lock or throws FolderInUseError naming the holder; resolves to the release function. */
export async function acquireFolderLock(dir: string, name: string): Promise<() => void> {
  const { dev, ino } = statSync(dir);
  const address = `\0netspotter:${name}:${dev}:${ino}`;
  const info = join(dir, `${name}.pid`);
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE') return reject(err);
      let holder = 'another process';
      try {
        holder = `process ${readFileSync(info, 'utf8').trim()}`;
      } catch {
        // no pid file: the holder is still starting
      }
      reject(
        new FolderInUseError(
          `the embedded database in ${dir} is in use by ${holder}; stop it first (or use the API while it runs)`,
        ),
      );
    });
    server.listen(address, () => resolve());
  });
  writeFileSync(info, String(process.pid), { mode: 0o600 });
  server.unref();
  return () => server.close();
}
