// `netspotter discover` as a user runs it, on a target file written for the call: text summary on stdout.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../../bin/netspotter.js', import.meta.url));

export function discoverCli(targetLines: string[], ...args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'netspotter-discover-'));
  try {
    const file = join(dir, 'targets.txt');
    writeFileSync(file, targetLines.join('\n') + '\n');
    const r = spawnSync(process.execPath, [BIN, 'discover', '--targets', file, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
