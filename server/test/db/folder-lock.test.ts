// The embedded database folder's lock: one process at a time, released by the kernel however its holder
// ends (kill -9), and never fooled by a PID that was reused (the server as PID 1 in a container).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireFolderLock, FolderInUseError } from '../../src/db/folder-lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'ns-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const LOCK = fileURLToPath(new URL('../../src/db/folder-lock.ts', import.meta.url));

describe('embedded database folder lock', () => {
  it('refuses a second holder, naming the first, until it is released', async () => {
    const release = await acquireFolderLock(dir, 'test.lock');
    await expect(acquireFolderLock(dir, 'test.lock')).rejects.toThrow(FolderInUseError);
    await expect(acquireFolderLock(dir, 'test.lock')).rejects.toThrow(`in use by process ${process.pid}`);
    release();
    await new Promise((r) => setTimeout(r, 50));
    (await acquireFolderLock(dir, 'test.lock'))();
  });

  it('is free again at once after its holder is killed with SIGKILL', async () => {
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { acquireFolderLock } = await import(${JSON.stringify(LOCK)}); await acquireFolderLock(${JSON.stringify(dir)}, 'killed.lock'); console.log('held'); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((r) => holder.stdout!.once('data', r));
    await expect(acquireFolderLock(dir, 'killed.lock')).rejects.toThrow(`in use by process ${holder.pid}`);
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    (await acquireFolderLock(dir, 'killed.lock'))();
  });

  it('ignores a leftover PID file naming a live process that holds nothing (a reused PID)', async () => {
    writeFileSync(join(dir, 'reused.lock.pid'), String(process.pid)); // alive, as PID 1 is after a restart
    writeFileSync(join(dir, 'reused.lock'), String(process.pid)); // the old lock file too
    (await acquireFolderLock(dir, 'reused.lock'))();
  });
});
