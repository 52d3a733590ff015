// Engine selection without the addon (simulated through the native engine's reason parameter) and
// the engine setting of the agent config. The selection on this host is in engine-veth.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../src/config.ts';
import { capEngine } from '../src/engine/cap-engine.ts';
import { nativeEngineWith } from '../src/engine/native-engine.ts';
import { selectEngine } from '../src/engine/select-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'ns-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('engine selection', () => {
  const missing = nativeEngineWith(() => '@netspotter/native addon not built');

  it('auto falls back to cap when the addon is missing, and says why', () => {
    const c = selectEngine('auto', [missing, capEngine]);
    expect(c.engine).toBe(capEngine);
    expect(c.available).toEqual(['cap']);
    expect(c.unavailable).toEqual({ native: '@netspotter/native addon not built' });
  });

  it('keeps an explicit native choice, whose open() then fails with the reason', () => {
    const c = selectEngine('native', [missing, capEngine]);
    expect(c.engine).toBe(missing);
    expect(() => c.engine.open('lo')).toThrow(/native engine unavailable: .*not built/);
  });

  it('config: engine is auto unless set to native or cap', () => {
    const f = join(dir, 'agent.json');
    writeFileSync(f, '{}');
    expect(loadAgentConfig(f).engine).toBe('auto');
    for (const engine of ['native', 'cap', 'auto']) {
      writeFileSync(f, JSON.stringify({ engine }));
      expect(loadAgentConfig(f).engine).toBe(engine);
    }
    writeFileSync(f, JSON.stringify({ engine: 'pcap' }));
    expect(() => loadAgentConfig(f)).toThrow(/engine/);
  });
});
