// Random arguments at every entry point must end in a JS exception (TypeError, RangeError, or an
// Error carrying an errno-style code), never in a crash of the process running the test.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingParts } from '../../test/support/system.ts';
import { loaded, type Binding } from '../src/binding.ts';
import { openEngine, unavailableReason, type PacketEngine, type TxStream } from '../src/index.ts';
import { instrumentedFrame } from './support/frames.ts';
import { createVethLab, type VethLab } from './support/veth.ts';

const skip = missingParts({ commands: ['ip'], root: true }) ?? unavailableReason();

/** Runs f; passes when it returns or throws a JS error of an accepted kind. */
function survives(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    const ok =
      e instanceof TypeError ||
      e instanceof RangeError ||
      (e instanceof Error && typeof (e as { code?: unknown }).code === 'string');
    if (!ok) throw e;
  }
}

describe.skipIf(skip)('native engine under random arguments', () => {
  let lab: VethLab;
  let engine: PacketEngine;
  let good: TxStream;
  const b = loaded.binding as Binding;

  beforeAll(() => {
    lab = createVethLab('nsf');
    engine = openEngine(lab.ifA, { netns: lab.nsA });
    good = engine.stream(instrumentedFrame(6100).template);
  });
  afterAll(() => {
    engine?.close();
    lab?.destroy();
  });

  const offset = fc.oneof(fc.integer({ min: -4, max: 140 }), fc.anything(), fc.double());
  const count = fc.oneof(fc.integer({ min: -3, max: 300 }), fc.double(), fc.anything(), fc.bigInt());

  it('stream() and sendBatch() with random templates, options and counts', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 130 }), fc.anything()),
        fc.record(
          {
            seqOffset: offset,
            seqBytes: fc.oneof(fc.constantFrom(4, 8), fc.anything()),
            tsOffset: offset,
            streamOffset: offset,
            csumOffset: offset,
          },
          { requiredKeys: [] },
        ),
        fc.oneof(
          fc.record(
            {
              streamId: fc.anything(),
              firstSeq: fc.anything(),
              batchSize: fc.integer({ min: -1, max: 2000 }),
            },
            { requiredKeys: [] },
          ),
          fc.anything(),
        ),
        count,
        (base, offsets, opts, n) => {
          survives(() => {
            const s = engine.stream({ base, ...offsets } as never, opts as never);
            survives(() => engine.sendBatch(s, n as number));
            s.close();
          });
        },
      ),
      { numRuns: 2000 },
    );
    expect(engine.sendBatch(good, 10)).toBe(10);
  });

  it('every binding entry point with random argument lists, including foreign handles', () => {
    const rx = b.rxOpen(lab.ifB, { netns: lab.nsB, blockBytes: 4096, blocks: 4 });
    const tx = b.txOpen(lab.ifA, { netns: lab.nsA });
    const handles = [good.handle, rx, tx];
    const value = fc.oneof(
      fc.anything(),
      fc.constantFrom(...handles),
      fc.string(),
      fc.integer({ min: -1000, max: 1000 }),
    );
    const names = Object.keys(b).filter(
      (k) => !['txClose', 'rxClose', 'streamClose'].includes(k),
    ) as (keyof Binding)[];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(value, { maxLength: 6 }), (name, args) => {
        survives(() => {
          const r = (b[name] as (...a: unknown[]) => unknown)(...args);
          // Anything opened by accident is closed again, so the run does not pile up rings.
          if (name === 'rxOpen') b.rxClose(r as never);
          if (name === 'txOpen') b.txClose(r as never);
          if (name === 'streamCreate') b.streamClose(r as never);
        });
      }),
      { numRuns: 5000 },
    );
    b.rxClose(rx);
    b.txClose(tx);
    // Closed handles stay safe to pass around.
    expect(() => b.rxStats(rx, false)).toThrow(/closed/);
    expect(() => b.streamCreate(tx, Buffer.alloc(60), {})).toThrow(/closed/);
    expect(engine.sendBatch(good, 10)).toBe(10);
  });
});
