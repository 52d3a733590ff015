// Write-ahead journal of what the agent reports (job results, monitor summaries): every entry is
// appended (and fsynced) before any upload is tried, and removed only once the server acknowledged it.
// Uploads are idempotent by entry id, so a crash between upload and removal only causes a harmless
// replay: every entry arrives exactly once.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { JobResult } from '@netspotter/shared/agent-protocol';

export interface JournalEntry {
  jobId: string;
  result: JobResult;
}

export class Journal<E = JournalEntry> {
  #entries: E[];

  /** `idOf` names an entry for acknowledgement (job results: the result's id). */
  constructor(
    readonly path: string,
    private readonly idOf: (e: E) => string = (e) => (e as JournalEntry).result.id,
  ) {
    this.#entries = existsSync(path) ? parse<E>(readFileSync(path, 'utf8')) : [];
  }

  append(entry: E): void {
    const fd = openSync(this.path, 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.#entries.push(entry);
  }

  pending(): readonly E[] {
    return this.#entries;
  }

  /** Forgets acknowledged entries: rewrites the journal atomically (temp file, fsync, rename). */
  ack(ids: ReadonlySet<string>): void {
    if (!ids.size) return;
    this.#entries = this.#entries.filter((e) => !ids.has(this.idOf(e)));
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
function parse<E>(text: string): E[] {
  const out: E[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as E);
    } catch {
      // torn write
    }
  }
  return out;
}
