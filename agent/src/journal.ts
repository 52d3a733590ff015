// Write-ahead journal of what the agent reports (job results, monitor summaries): every entry is
// appended (and fsynced) before any upload is tried, and removed only once the server acknowledged it.
// Uploads are idempotent by entry id, so a crash between upload and removal only causes a harmless
// replay: every entry arrives exactly once. The writes run off the event loop (an fsync on a busy disk
// can take seconds, and the loop also paces beacons and reads captures), one at a time in the order
// asked, so an append never lands in a file a rewrite is replacing.
import { existsSync, readFileSync } from 'node:fs';
import type { JobResult } from '@netspotter/shared/agent-protocol';
import { replaceFile, writeSynced } from './state-file.ts';

export interface JournalEntry {
  jobId: string;
  result: JobResult;
}

export class Journal<E = JournalEntry> {
  #entries: E[];
  #writes: Promise<void> = Promise.resolve();

  /** `idOf` names an entry for acknowledgement (job results: the result's id). */
  constructor(
    readonly path: string,
    private readonly idOf: (e: E) => string = (e) => (e as JournalEntry).result.id,
  ) {
    this.#entries = existsSync(path) ? parse<E>(readFileSync(path, 'utf8')) : [];
  }

  /** Resolves once the entry is on disk; only then is it pending (offered for upload). */
  append(entry: E): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    return this.#inTurn(async () => {
      await writeSynced(this.path, 'a', line);
      this.#entries.push(entry);
    });
  }

  /** Entries on disk and not yet acknowledged. */
  pending(): readonly E[] {
    return this.#entries;
  }

  /** Forgets acknowledged entries at once; the journal is rewritten atomically (temp file, fsync, rename). */
  ack(ids: ReadonlySet<string>): Promise<void> {
    if (!ids.size) return Promise.resolve();
    this.#entries = this.#entries.filter((e) => !ids.has(this.idOf(e)));
    return this.#inTurn(() =>
      replaceFile(this.path, this.#entries.map((e) => `${JSON.stringify(e)}\n`).join('')),
    );
  }

  /** Resolves once every write asked for so far has ended. */
  settled(): Promise<void> {
    return this.#writes;
  }

  #inTurn(write: () => Promise<void>): Promise<void> {
    const done = this.#writes.then(write);
    this.#writes = done.catch(() => undefined);
    return done;
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
