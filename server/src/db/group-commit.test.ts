import { describe, expect, it } from 'vitest';
import type { Database } from './connect.ts';
import { GroupCommit, keyedLookup } from './group-commit.ts';

/** After the end of this event-loop turn, when the batches of requests made in it have started. */
const turnEnd = () => new Promise((r) => setImmediate(r));

/** A batch runner whose batches finish when the test says so. */
function held(inFlight = 1) {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const commit = new GroupCommit<number, number>(
    (items) =>
      new Promise((resolve) => {
        batches.push(items);
        pending.push(() => resolve(items.map((i) => i * 10)));
      }),
    inFlight,
    3,
  );
  const release = async () => {
    pending.shift()!();
    await turnEnd();
  };
  return { commit, batches, release };
}

describe('group commit', () => {
  it('sends the next batch before the requests of the last one go on', async () => {
    const events: string[] = [];
    let finishFirst!: () => void;
    const commit = new GroupCommit<number, number>((items) => {
      // Like pg's pool, which hands a free connection over on the next tick: the query leaves then.
      process.nextTick(() => events.push(`batch ${items.join()} sent`));
      return items[0] === 1 ? new Promise((r) => (finishFirst = () => r([10]))) : Promise.resolve([20]);
    });
    const first = commit.submit(1).then(() => events.push('request 1 goes on'));
    await turnEnd();
    const second = commit.submit(2).then(() => events.push('request 2 goes on'));
    finishFirst();
    await Promise.all([first, second]);
    expect(events).toEqual(['batch 1 sent', 'batch 2 sent', 'request 1 goes on', 'request 2 goes on']);
  });

  it('sends a lone request at the end of its turn, and those arriving meanwhile together in the next batch', async () => {
    const { commit, batches, release } = held();
    const first = commit.submit(1);
    await turnEnd();
    expect(batches).toEqual([[1]]);
    const rest = [2, 3].map((i) => commit.submit(i));
    expect(batches).toHaveLength(1); // they wait for the first batch
    await release();
    expect(batches).toEqual([[1], [2, 3]]);
    await release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30]);
  });

  it('sends the requests of one turn together, bounded, and takes the rest next, in arrival order', async () => {
    const { commit, batches, release } = held();
    const all = [1, 2, 3, 4, 5, 6, 7].map((i) => commit.submit(i));
    await turnEnd();
    expect(batches).toEqual([[1, 2, 3]]);
    while (batches.length < 3) await release();
    await release();
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50, 60, 70]);
  });

  it('runs up to `inFlight` batches at once (a pool of connections), the rest waiting for a free one', async () => {
    const { commit, batches, release } = held(2);
    const all = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => commit.submit(i));
    await turnEnd();
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await release();
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8],
    ]);
    await release();
    await release();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50, 60, 70, 80]);
  });

  it('bounds a batch by the weight of its items when they carry many rows; a heavier one goes alone', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        return items;
      },
      1,
      10,
      (rows) => rows,
    );
    await Promise.all([4, 3, 3, 2, 12, 1, 9].map((rows) => commit.submit(rows)));
    expect(batches).toEqual([[4, 3, 3], [2], [12], [1, 9]]);
  });

  it('fails every request of a failed batch, and goes on with the next', async () => {
    let calls = 0;
    const commit = new GroupCommit<number, number>(async (items) => {
      if (calls++ === 0) throw new Error('database gone');
      return items;
    });
    const failed = expect(commit.submit(1)).rejects.toThrow('database gone');
    await turnEnd();
    const next = commit.submit(2);
    await failed;
    await expect(next).resolves.toBe(2);
  });

  it('looks rows up by key together: each request gets its key’s first row, a missing key none', async () => {
    const asked: string[][] = [];
    const lookup = keyedLookup(
      async (_db, keys: string[]) => {
        asked.push(keys);
        const rows = [
          { key: 'a', n: 1 },
          { key: 'b', n: 2 },
          { key: 'a', n: 3 },
        ];
        return rows.filter((r) => keys.includes(r.key));
      },
      (r) => r.key,
    );
    const db = { kind: 'pglite' } as Database; // only its identity and kind are used here
    const answers = await Promise.all(['a', 'b', 'a', 'z'].map((k) => lookup(db).submit(k)));
    expect(answers.map((r) => r?.n)).toEqual([1, 2, 1, undefined]);
    expect(asked).toEqual([['a', 'b', 'z']]);
    expect(lookup(db)).toBe(lookup(db));
  });
});
