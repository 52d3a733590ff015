// The live matrix of a monitor as serialised JSON, built once and served to every viewer until the
// monitor's live revision moves (a summary applied, a cell's state changed). A matrix of 20,000 cells
// takes tens of ms to build and serialise on a loaded machine: with many viewers polling, building it per
// request starved the event loop. While summaries stream in (the revision moves many times a second) it
// is rebuilt at most once per REBUILD_MS; the document's `at` says when it was built, and its ages
// count to that time. Its gzip form is made at most once per build.
import type { LoadedMonitor } from './catalog.ts';
import type { MonitorLive } from './live.ts';
import { JsonBody } from '../http/json-body.ts';

/** The youngest a cached matrix may be and still be rebuilt for a new revision. */
const REBUILD_MS = 1000;
/** The oldest a cached matrix is served even when nothing moved (its ages and `at` grow old). */
const KEEP_MS = 5000;

interface Entry {
  live: MonitorLive | undefined;
  revision: number;
  builtAt: number;
  body: JsonBody;
}

export class MatrixCache {
  // Keyed by the loaded monitor: a changed definition loads a new one, so its old matrix is never served.
  readonly #entries = new WeakMap<LoadedMonitor, Entry>();

  /** The serialised live matrix of `m` at `now`, from `build(now)` when the cached one is out of date. */
  get(
    m: LoadedMonitor,
    live: MonitorLive | undefined,
    now: number,
    build: (at: number) => unknown,
  ): JsonBody {
    const e = this.#entries.get(m);
    const revision = live?.revision ?? -1;
    const age = e ? now - e.builtAt : Infinity;
    if (e && e.live === live && age >= 0 && (age < REBUILD_MS || (e.revision === revision && age < KEEP_MS)))
      return e.body;
    const body = JsonBody.of(build(now));
    this.#entries.set(m, { live, revision, builtAt: now, body });
    return body;
  }
}
