// A helper process of a benchmark (simulated agents, a prober, a viewer): a TypeScript script run with
// tsx, spoken to in JSON lines over its stdin and stdout; its stderr goes to ours.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface BenchChild {
  /** The next JSON line it writes (a line carrying `error`, a problem it met on the way, is printed and skipped). */
  reply<T>(): Promise<T>;
  /** Writes an object as a JSON line, or a word as a line. */
  send(o: object | string): void;
  /** Resolves once it has exited. */
  exited: Promise<unknown>;
}

export function startBenchChild(script: URL, ...args: string[]): BenchChild {
  const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: p.stdout })[Symbol.asyncIterator]();
  return {
    async reply<T>(): Promise<T> {
      for (;;) {
        const o = JSON.parse((await lines.next()).value as string) as T & { error?: string };
        if (o.error) console.error(o.error);
        else return o;
      }
    },
    send: (o) => p.stdin.write(`${typeof o === 'string' ? o : JSON.stringify(o)}\n`),
    exited: once(p, 'exit'),
  };
}
