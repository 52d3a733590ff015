// Child process: the native engine sends the bench frame as fast as it can for `seconds`,
// calling sendBatch(256) from JS (one N-API call per sendmmsg of 256 frames; with --ring, per
// TX-ring flush of 256 slots, the ring the agent paces load streams through).
import { openEngine } from '@netspotter/native';
import { benchFrame, SEQ_OFFSET, STREAM_OFFSET } from './frame.ts';

const [ifname, seconds] = [process.argv[2]!, Number(process.argv[3])];
const f = benchFrame();
const engine = openEngine(ifname, {
  qdiscBypass: true,
  txRingFrames: process.argv.includes('--ring') ? 256 : 0, // the agent's load streams use 256 slots
});
const stream = engine.stream(
  {
    base: f.frame,
    seqOffset: SEQ_OFFSET,
    seqBytes: 4,
    streamOffset: STREAM_OFFSET,
    csumOffset: f.csumOffset,
  },
  { streamId: 1, batchSize: 256 },
);
console.log('ready'); // the bench starts its clock from here, not from a slow start-up
const end = performance.now() + seconds * 1000;
let sent = 0;
while (performance.now() < end) sent += engine.sendBatch(stream, 256);
console.log(JSON.stringify({ frames: sent, ...engine.stats().tx }));
engine.close();
