// Child process: the agent's load receiver (cap engine, 256 MiB buffer, counting in the callback).
// Args: ifname. Prints "ready", counts until SIGTERM, then prints one JSON line with the per-stream report.
import { capEngine } from '../../agent/src/engine/cap-engine.ts';
import { receiveStreams } from '../../agent/src/load/receiver.ts';

const [ifname] = process.argv.slice(2);
const { handle, report } = receiveStreams(
  capEngine,
  ifname!,
  { filter: 'ip6 and udp dst port 5000', bufferBytes: 256 * 1024 * 1024 },
  Date.now(),
  1000,
);
console.log('ready');
process.once('SIGTERM', () => {
  const r = report();
  handle.close();
  console.log(JSON.stringify({ streams: r.streams.map(({ perSecond: _p, ...s }) => s), foreign: r.foreign }));
  process.exit(0);
});
