// Child process: the agent's load sender (cap engine, paced by schedule) on one interface.
// Args: ifname pps seconds. Prints "ready" when it starts sending, then one JSON line with its report.
import { capEngine } from '../../agent/src/engine/cap-engine.ts';
import { streamFrames } from '../../agent/src/load/sender.ts';
import { compiledFrame } from './frame.ts';

const [ifname, pps, seconds] = process.argv.slice(2);
const handle = capEngine.open(ifname!);
console.log('ready');
const report = await streamFrames(
  handle,
  compiledFrame(),
  { streamId: 1, pps: Number(pps), durationMs: Number(seconds) * 1000 },
  new AbortController().signal,
);
handle.close();
console.log(JSON.stringify(report));
