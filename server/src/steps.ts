// Long synchronous loops over large inputs (a 2,000-device discovery, a 20,000-line list) run in steps,
// giving the event loop back between steps so that no single block holds other requests for long.
import { setImmediate as turn } from 'node:timers/promises';

/** Items handled per step: a few ms of work each on a loaded machine. */
export const STEP = 250;

/** `items.forEach(fn)`, yielding to the event loop after every `size` items. */
export async function forEachInSteps<T>(
  items: readonly T[],
  fn: (item: T, index: number) => void,
  size = STEP,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) await turn();
    const end = Math.min(items.length, i + size);
    for (let j = i; j < end; j++) fn(items[j]!, j);
  }
}

/** `items.map(fn)`, yielding to the event loop after every `size` items. */
export async function mapInSteps<T, U>(items: readonly T[], fn: (item: T) => U, size = STEP): Promise<U[]> {
  const out: U[] = [];
  await forEachInSteps(items, (item) => out.push(fn(item)), size);
  return out;
}
