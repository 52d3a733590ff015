// Expect / expect-none against captured frames: count the frames that match the expected message
// (fields left out match anything; fields may be ANY, masks, ranges), and when none do, report the
// closest miss — the mismatch deepest into the message, which names the field the user got wrong.
import { match, type Message, type TemplateLibrary } from '@netspotter/shared';
import type { CapturedFrame } from '../engine/engine.ts';

export interface Mismatch {
  path: string;
  expected: string;
  actual: string;
}

export interface ExpectTally {
  matched: number;
  /** Receive time of the last frame counted. */
  lastAtMs?: number;
  closest?: Mismatch;
}

const depth = (path: string) => path.split(/[.[]/).length;

export function tally(
  lib: TemplateLibrary,
  expected: Message,
  frames: readonly CapturedFrame[],
  need: number,
): ExpectTally {
  const t: ExpectTally = { matched: 0 };
  for (const f of frames) {
    const r = match(lib, expected, f.data, { unspecified: 'any' });
    if (r.ok) {
      t.matched++;
      t.lastAtMs = f.atMs;
      if (t.matched >= need) break;
    } else if (r.actual !== 'undecodable' && (!t.closest || depth(r.path) > depth(t.closest.path))) {
      t.closest = { path: r.path, expected: r.expected, actual: r.actual };
    }
  }
  return t;
}
