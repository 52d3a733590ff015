// Which packet engine the agent runs with: 'auto' takes the native AF_PACKET engine when its addon
// loaded and raw sockets are permitted, else the portable `cap`; when neither can run, the native one,
// whose reason (a missing capability, usually) is the one to fix. An explicit choice is kept even when
// that engine cannot run, so jobs fail with its reason instead of silently using another engine.
import { capEngine } from './cap-engine.ts';
import type { PacketEngine } from './engine.ts';
import { nativeEngine } from './native-engine.ts';

export type EnginePreference = 'auto' | 'native' | 'cap';

export interface EngineChoice {
  engine: PacketEngine;
  /** Names of the engines that can run here, best first. */
  available: string[];
  /** For each engine that cannot run here, why. */
  unavailable: Record<string, string>;
}

/** `engines` in order of preference. */
export function selectEngine(
  preference: EnginePreference,
  engines: readonly PacketEngine[] = [nativeEngine, capEngine],
): EngineChoice {
  const available: PacketEngine[] = [];
  const unavailable: Record<string, string> = {};
  for (const e of engines) {
    const why = e.unavailable();
    if (why === undefined) available.push(e);
    else unavailable[e.name] = why;
  }
  const engine =
    preference === 'auto' ? (available[0] ?? engines[0]) : engines.find((e) => e.name === preference);
  if (!engine) throw new Error(`no packet engine named ${preference}`);
  return { engine, available: available.map((e) => e.name), unavailable };
}
