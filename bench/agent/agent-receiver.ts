// Child process: the agent's load receiver (receiveStreams: the native engine counts in its reader
// threads, cap in JS) on the bench group. Args: engine(auto|native|cap) ifname. Prints "ready <engine>",
// then counts until SIGTERM and prints one JSON line with the per-stream report.
// With it come the engine's counters: drops, and for the native engine its reader threads' CPU time.
import { selectEngine, type EnginePreference } from '../../agent/src/engine/select-engine.ts';
import { nowMs } from '../../agent/src/engine/engine.ts';
import { receiveStreams } from '../../agent/src/load/receiver.ts';
import { GROUP, PORT } from './frame.ts';

const [pref, ifname] = process.argv.slice(2);
const { engine } = selectEngine(pref as EnginePreference);
const { handle, report } = receiveStreams(
  engine,
  ifname!,
  { filter: `ip6 dst host ${GROUP} and udp dst port ${PORT}`, bufferBytes: 256 * 1024 * 1024 },
  nowMs(),
  1000,
);
console.log(`ready ${engine.name}`);
setInterval(() => {}, 1000); // the native engine counts in its own threads: nothing else keeps this process up

process.once('SIGTERM', () => {
  const r = report();
  const counters = handle.counters();
  handle.close();
  console.log(
    JSON.stringify({
      streams: r.streams.map(({ perSecond: _p, ...s }) => s),
      foreign: r.foreign,
      engineDropped: r.engineDropped,
      counters,
    }),
  );
  process.exit(0);
});
