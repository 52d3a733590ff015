// Crash hygiene (the `cap` lesson): traffic and capture keep working while the GC is forced and
// unclosed handles are finalized mid-run. Runs in a child process so a crash fails the test cleanly.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingParts } from '../../test/support/system.ts';
import { unavailableReason } from '../src/index.ts';
import { createVethLab, type VethLab } from './support/veth.ts';

const skip = missingParts({ commands: ['ip'], root: true }) ?? unavailableReason();

describe.skipIf(skip)('native engine under forced GC', () => {
  let lab: VethLab;
  beforeAll(() => {
    lab = createVethLab('nsg');
  });
  afterAll(() => lab?.destroy());

  it('captures every paced frame while gc() runs every 10 ms', () => {
    const child = fileURLToPath(new URL('./fixtures/gc-child.ts', import.meta.url));
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', child, lab.nsA, lab.ifA, lab.nsB, lab.ifB],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number>;
    expect(out.sent).toBeGreaterThan(95_000);
    // Abandoned engines sent one stream-0 frame each. Every frame is accounted for: in the ring or
    // counted as a kernel drop, then handed to JS or counted as a delivery drop. (Drops themselves
    // are possible on a very busy host; the forced GC never stops the native reader.)
    expect(out.seen! + out.drops!).toBe(out.sent! + out.abandoned!);
    expect(out.captured! + out.deliveryDrops!).toBe(out.seen);
    expect(out.stream1).toBeLessThanOrEqual(out.sent!);
    expect(out.stream1! + out.drops!).toBeGreaterThanOrEqual(out.sent!);
    expect(out.copied).toBeLessThanOrEqual(out.stream1!);
    expect(out.copied! + out.deliveryDrops!).toBeGreaterThanOrEqual(out.stream1!);
    expect(out.abandoned).toBeGreaterThan(5); // gc() ran and finalizers reclaimed engines mid-traffic
  });
});
