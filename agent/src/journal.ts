// Write-ahead journal of results: every result is appended (and fsynced) before any upload is tried,
// and removed only once the server acknowledged it. Uploads are idempotent by result id, so a crash
// between upload and removal only causes a harmless replay: every result arrives exactly once.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { JobResult } from '@netspotter/shared/agent-protocol';

export interface JournalEntry {
  jobId: string;
  result: JobResult;
}

export class Journal {
  #entries: JournalEntry[];

  constructor(readonly path: string) {
    this.#entries = existsSync(path) ? parse(readFileSync(path, 'utf8')) : [];
  }

  append(jobId: string, result: JobResult): void {
    const fd = openSync(this.path, 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify({ jobId, result })}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.#entries.push({ jobId, result });
  }

  pending(): readonly JournalEntry[] {
    return this.#entries;
  }

  /** Forgets acknowledged results: rewrites the journal atomically (temp file, fsync, rename). */
  ack(ids: ReadonlySet<string>): void {
    if (!ids.size) return;
    this.#entries = this.#entries.filter((e) => !ids.has(e.result.id));
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, this.#entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}

/** Lines of the journal; a torn last line (power cut mid-append) is dropped, it was never acknowledged. */
function parse(text: string): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as JournalEntry);
    } catch {
      // torn write
    }
  }
  return out;
}
