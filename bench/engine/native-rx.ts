// Child process: the native receiver counts every frame on the interface (no filter, 128-byte snap) until SIGTERM, then prints its counters. `--tiny` opens a 16 KiB ring with the
// reader paused until SIGTERM, to push it beyond what it can hold.
import { openEngine } from '@netspotter/native';
import { SEQ_OFFSET, STREAM_OFFSET } from './frame.ts';

const ifname = process.argv[2]!;
const tiny = process.argv.includes('--tiny');
const engine = openEngine(ifname, {
  rx: {
    snapLen: 128,
    signature: { seqOffset: SEQ_OFFSET, seqBytes: 4, streamOffset: STREAM_OFFSET },
    ...(tiny ? { ringBytes: 4 * 4096, blockBytes: 4096, paused: true } : {}),
  },
});
process.on('SIGTERM', () => {
  if (tiny) engine.resume();
  setTimeout(() => {
    const rx = engine.stats().rx!;
    engine.close();
    const s = rx.streams.find((x) => x.streamId === 1);
    console.log(JSON.stringify({ seen: rx.seen, kernel: rx.kernel, lost: s?.lost, reordered: s?.reordered }));
    process.exit(0);
  }, 300);
});
console.log('ready');
setInterval(() => {}, 1000); // stay alive until SIGTERM
