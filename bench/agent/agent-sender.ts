// Child process: the agent's load sender (sendStream: the engine's native pacer, else the scheduled JS
// sender) with `streams` streams side by side, as a plan's consecutive stream steps run.
// Args: engine(auto|native|cap) ifname pps-per-stream durationMs streams. Prints "ready <engine>" as it
// starts sending, then one JSON line with the send reports.
import { selectEngine, type EnginePreference } from '../../agent/src/engine/select-engine.ts';
import { sendStream } from '../../agent/src/load/paced-stream.ts';
import { compiledFrame } from './frame.ts';

const [pref, ifname, pps, durationMs, streams] = process.argv.slice(2);
const { engine } = selectEngine(pref as EnginePreference);
const ids = Array.from({ length: Number(streams) }, (_, i) => i + 1);
const handles = ids.map(() => engine.open(ifname!));
// A rate above what the medium takes runs flat out; the duration bounds it.
const signal = AbortSignal.timeout(Number(durationMs) + 1000);
console.log(`ready ${engine.name}`);
const reports = await Promise.all(
  ids.map((id, i) =>
    sendStream(
      handles[i]!,
      compiledFrame(id),
      { streamId: id, pps: Number(pps), durationMs: Number(durationMs) },
      signal,
    ),
  ),
);
for (const h of handles) h.close();
console.log(JSON.stringify({ engine: engine.name, reports }));
