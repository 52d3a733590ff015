// The live matrix of a monitor as serialised JSON, kept ready for viewers. Building and serialising
// 20,000 cells takes tens of ms, and on a loaded server far more when it waits behind a burst of
// summaries: built per request, every read after a change paid that. So the first read builds it, and
// from then on, while anyone has read it within WATCH_MS, it is rebuilt in the background when the
// monitor's live revision moved (at most every REBUILD_MS) or when its ages grew old (KEEP_MS); reads
// are served the newest build at once. The document's `at` says when its build began (at most about
// REBUILD_MS ago while summaries stream in); its ages count to that time. A build runs in steps (cells and
// JSON a slice at a time), so it never holds the event loop for long, and one at a time per monitor:
// reads during a background build get the previous one, reads waiting for a first build share it. Its
// gzip form is made once per build, off the event loop, ahead of the reads.
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

/** Makes the document of the matrix as of `at`. */
type Build = (at: number) => Promise<unknown>;

interface Entry {
  live: MonitorLive | undefined;
  revision: number;
  builtAt: number;
  readAt: number;
  body: JsonBody;
  build: Build;
  /** A background rebuild under way. */
  rebuilding?: Promise<void>;
}

export class MatrixCache {
  // Keyed by the loaded monitor: a changed definition loads a new one, so its old matrix is never served;
  // entries nobody reads are dropped after WATCH_MS.
  readonly #entries = new Map<LoadedMonitor, Entry>();
  /** Builds for reads that found no matrix to serve, shared by the reads that wait for it. */
  readonly #pending = new Map<LoadedMonitor, { live: MonitorLive | undefined; body: Promise<JsonBody> }>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** The serialised live matrix of `m` as of `now` (built at most about REBUILD_MS before while it moves). */
  get(m: LoadedMonitor, live: MonitorLive | undefined, now: number, build: Build): Promise<JsonBody> {
    const e = this.#entries.get(m);
    // A stale entry (the background starved, or the live state was replaced) is rebuilt for this read.
    if (e && e.live === live && now - e.builtAt >= 0 && now - e.builtAt < KEEP_MS + REBUILD_MS) {
      e.readAt = now;
      e.build = build;
      return Promise.resolve(e.body);
    }
    const pending = this.#pending.get(m);
    if (pending && pending.live === live) return pending.body;
    const body = this.#build(m, live, now, build, now).finally(() => {
      if (this.#pending.get(m)?.body === body) this.#pending.delete(m);
    });
    this.#pending.set(m, { live, body });
    return body;
  }

  /** Stops the background rebuilds (server shutdown). */
  close(): void {
    this.#closed = true;
    this.#idle();
  }

  #idle(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#entries.clear();
  }

  async #build(
    m: LoadedMonitor,
    live: MonitorLive | undefined,
    now: number,
    build: Build,
    readAt: number,
  ): Promise<JsonBody> {
    // The revision the build starts from: a change during the build moves it, and is built next time.
    const revision = live?.revision ?? -1;
    const body = await JsonBody.inSteps(await build(now));
    // Compressed now, off the event loop, so a read that accepts gzip does not wait for it.
    void body.gzip().catch(() => undefined);
    const e = this.#entries.get(m);
    if (this.#closed || (e && e.builtAt > now)) return body; // an older build that ended late is not kept
    this.#entries.set(m, {
      live,
      revision,
      builtAt: now,
      readAt: Math.max(readAt, e?.readAt ?? 0),
      body,
      build,
    });
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
      if (e.rebuilding || !((moved && age >= REBUILD_MS) || age >= KEEP_MS)) continue;
      e.rebuilding = this.#build(m, e.live, now, e.build, e.readAt).then(
        () => undefined,
        // Dropped: the next read builds it itself and answers with the error.
        () => void this.#entries.delete(m),
      );
    }
    if (!this.#entries.size) this.#idle();
  }
}
