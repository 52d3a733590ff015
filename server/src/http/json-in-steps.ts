// JSON text of a large document made in steps: JSON.stringify of a 20,000-cell matrix (1.4 MB, half a
// million numbers) holds the event loop for tens of ms on a quiet machine and for hundreds on a loaded
// one. Long arrays are written a slice at a time (a slice of plain values by JSON.stringify itself), and
// the event loop is given back after every `step` values. The text is the same as JSON.stringify's.
import { setImmediate as turn } from 'node:timers/promises';

/** Values written per step: a few ms of work on a loaded machine. */
export const JSON_STEP = 5000;

type Json = { toJSON(key: string): unknown };
const hasToJson = (v: unknown): v is Json =>
  v !== null && typeof v === 'object' && typeof (v as Partial<Json>).toJSON === 'function';
/** A value as JSON.stringify sees it under `key` (after toJSON). */
const resolved = (v: unknown, key: string) => (hasToJson(v) ? v.toJSON(key) : v);
/** Values JSON.stringify leaves out of objects (and writes as null in arrays). */
const absent = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';
const plain = (v: unknown) => v === null || typeof v !== 'object';

export async function stringifyInSteps(value: unknown, step = JSON_STEP): Promise<string> {
  const out: string[] = [];
  let done = 0;
  const tick = async (n: number) => {
    done += n;
    if (done >= step) {
      done = 0;
      await turn();
    }
  };
  const put = async (v: unknown): Promise<void> => {
    if (Array.isArray(v)) {
      out.push('[');
      for (let i = 0; i < v.length; i += step) {
        if (i > 0) out.push(',');
        const slice = v.slice(i, i + step);
        if (slice.every(plain)) {
          out.push(JSON.stringify(slice).slice(1, -1));
          await tick(slice.length);
          continue;
        }
        for (let j = 0; j < slice.length; j++) {
          if (j > 0) out.push(',');
          const x = resolved(slice[j], String(i + j));
          if (absent(x)) out.push('null');
          else await put(x);
        }
      }
      out.push(']');
    } else if (v !== null && typeof v === 'object') {
      out.push('{');
      let first = true;
      for (const [k, raw] of Object.entries(v)) {
        const x = resolved(raw, k);
        if (absent(x)) continue;
        out.push(first ? '' : ',', JSON.stringify(k), ':');
        first = false;
        await put(x);
      }
      out.push('}');
    } else {
      out.push(JSON.stringify(v));
      await tick(1);
    }
  };
  const top = resolved(value, '');
  if (absent(top)) throw new TypeError('nothing to serialise');
  await put(top);
  return out.join('');
}
