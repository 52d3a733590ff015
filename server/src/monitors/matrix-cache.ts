// The live matrix of a monitor as serialised JSON, kept ready for viewers. Building and serialising
// 20,000 cells takes tens of ms, and on a loaded server far more when it waits behind a burst of
// summaries: built per request, every read after a change paid that. So the first read builds it, and
// from then on, while anyone has read it within WATCH_MS, it is rebuilt in the background when the
// monitor's live revision moved (at most every REBUILD_MS) or when its ages grew old (KEEP_MS); reads
// are served the newest build at once. The document's `at` says when it was built (at most about
// REBUILD_MS ago while summaries stream in); its ages count to that time. Its gzip form is made once per
// build, off the event loop, ahead of the reads.
import type { LoadedMonitor } from './catalog.ts';
import type { MonitorLive } from './live.ts';
import { JsonBody } from '../http/json-body.ts';

/** The least time between two builds while the revision moves. */
const REBUILD_MS = 2000;
/** The oldest a matrix is served when nothing moved (its ages and `at` grow old). */
const KEEP_MS = 5000;
/** How long after the last read the matrix is still kept fresh. */
const WATCH_MS = 60_000;
/** How often the background looks for matrices to rebuild. */
const TICK_MS = 250;

interface Entry {
  live: MonitorLive | undefined;
  revision: number;
  builtAt: number;
  readAt: number;
  body: JsonBody;
  build: (at: number) => unknown;
}

export class MatrixCache {
  // Keyed by the loaded monitor: a changed definition loads a new one, so its old matrix is never served;
  // entries nobody reads are dropped after WATCH_MS.
  readonly #entries = new Map<LoadedMonitor, Entry>();
  #timer: NodeJS.Timeout | undefined;

  /** The serialised live matrix of `m` as of `now` (built at most about REBUILD_MS before while it moves). */
  get(
    m: LoadedMonitor,
    live: MonitorLive | undefined,
    now: number,
    build: (at: number) => unknown,
  ): JsonBody {
    const e = this.#entries.get(m);
    // A stale entry (the background starved, or the live state was replaced) is rebuilt for this read.
    if (e && e.live === live && now - e.builtAt >= 0 && now - e.builtAt < KEEP_MS + REBUILD_MS) {
      e.readAt = now;
      e.build = build;
      return e.body;
    }
    return this.#build(m, live, now, build, now);
  }

  /** Stops the background rebuilds (server shutdown). */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#entries.clear();
  }

  #build(
    m: LoadedMonitor,
    live: MonitorLive | undefined,
    now: number,
    build: (at: number) => unknown,
    readAt: number,
  ): JsonBody {
    const body = JsonBody.of(build(now));
    // Compressed now, off the event loop, so a read that accepts gzip does not wait for it.
    void body.gzip().catch(() => undefined);
    this.#entries.set(m, { live, revision: live?.revision ?? -1, builtAt: now, readAt, body, build });
    this.#timer ??= setInterval(() => this.#refresh(), TICK_MS).unref();
    return body;
  }

  #refresh() {
    const now = Date.now();
    for (const [m, e] of this.#entries) {
      if (now - e.readAt > WATCH_MS) {
        this.#entries.delete(m);
        continue;
      }
      const age = now - e.builtAt;
      const moved = (e.live?.revision ?? -1) !== e.revision;
      if ((moved && age >= REBUILD_MS) || age >= KEEP_MS)
        try {
          this.#build(m, e.live, now, e.build, e.readAt);
        } catch {
          // Dropped: the next read builds it itself and answers with the error.
          this.#entries.delete(m);
        }
    }
    if (!this.#entries.size) this.close();
  }
}
