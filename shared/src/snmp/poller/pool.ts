// Runs async jobs with at most `limit` in flight, preserving result order. An aborted signal stops
// handing out items and rejects with its reason once the jobs in flight have ended.

export async function mapBounded<T, R>(
  items: T[],
  limit: number,
  job: (item: T, i: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted) {
      const i = next++;
      results[i] = await job(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  signal?.throwIfAborted();
  return results;
}
