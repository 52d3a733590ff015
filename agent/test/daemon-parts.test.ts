import { mkdtempSync, readFileSync, appendFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Backoff } from '../src/backoff.ts';
import { EventSqueezer } from '../src/squeezer.ts';
import { Journal } from '../src/journal.ts';
import { policyRefusals } from '../src/policy.ts';
import { readIdentity, writeIdentity } from '../src/state-file.ts';
import { loadAgentConfig } from '../src/config.ts';
import type { Plan } from '@netspotter/shared/agent-protocol';
import { writeFileSync } from 'node:fs';

const dir = mkdtempSync(join(tmpdir(), 'ns-agent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backoff', () => {
  it('grows exponentially with jitter up to the cap, and resets', () => {
    const lo = new Backoff(100, 1000, () => 0);
    expect([lo.next(), lo.next(), lo.next(), lo.next(), lo.next()]).toEqual([50, 100, 200, 400, 500]);
    const hi = new Backoff(100, 1000, () => 1);
    expect([hi.next(), hi.next(), hi.next(), hi.next(), hi.next()]).toEqual([100, 200, 400, 800, 1000]);
    hi.reset();
    expect(hi.next()).toBe(100);
  });
});

describe('leaky-bucket event squeezing', () => {
  it('sends the first few at once, then one event with the repeat count', () => {
    let t = 0;
    const q = new EventSqueezer(3, 0.2, () => t);
    for (let i = 0; i < 10; i++) q.report('link down');
    q.report('other');
    const out = q.drain();
    expect(out.filter((e) => e.message === 'link down').map((e) => e.count)).toEqual([1, 1, 1, 7]);
    expect(out.find((e) => e.message === 'other')?.count).toBe(1);
    expect(q.drain()).toEqual([]);
    // after the bucket leaked (0.2/s: 5 s per token), single repeats pass again
    t = 10_000;
    q.report('link down');
    q.report('link down');
    q.report('link down');
    expect(q.drain().map((e) => e.count)).toEqual([1, 1, 1]);
  });
});

describe('results journal', () => {
  it('appends with fsync, survives a reopen, acks atomically, and drops a torn last line', async () => {
    const path = join(dir, 'journal.jsonl');
    const j = new Journal(path);
    const r = (id: string) => ({ id, kind: 'step' as const, at: 1, data: { id } });
    const id = (n: number) => `00000000-0000-0000-0000-00000000000${n}`;
    // Asked together, written in order; each pending only once it is on disk.
    const written = [1, 2, 3].map((n) => j.append({ jobId: `job-${n === 3 ? 2 : 1}`, result: r(id(n)) }));
    expect(j.pending()).toEqual([]);
    await Promise.all(written);
    expect(j.pending().map((e) => e.result.id)).toEqual([id(1), id(2), id(3)]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    appendFileSync(path, '{"jobId":"job-2","result":{"id":"torn'); // a crash mid-append
    const again = new Journal(path);
    expect(again.pending().map((e) => e.result.id.slice(-1))).toEqual(['1', '2', '3']);
    // An ack forgets at once; an append asked after it lands in the rewritten file.
    const acked = again.ack(new Set([id(2)]));
    const later = again.append({ jobId: 'job-3', result: r(id(4)) });
    expect(again.pending().map((e) => e.result.id.slice(-1))).toEqual(['1', '3']);
    await Promise.all([acked, later]);
    await again.settled();
    expect(new Journal(path).pending().map((e) => e.result.id.slice(-1))).toEqual(['1', '3', '4']);
    expect(readFileSync(path, 'utf8')).not.toContain('torn');
  });

  it('rejects an append it cannot write, which never becomes pending, and the journal still settles', async () => {
    const j = new Journal(join(dir, 'no-such-folder', 'journal.jsonl'));
    await expect(
      j.append({ jobId: 'j', result: { id: 'x', kind: 'step', at: 1, data: null } }),
    ).rejects.toThrow(/ENOENT/);
    await j.settled();
    expect(j.pending()).toEqual([]);
  });
});

describe('local safety policy', () => {
  const plan: Plan = {
    kind: 'load',
    templates: [],
    steps: [
      {
        op: 'stream',
        step: 0,
        interface: 'eth1',
        group: 'ff3e::1',
        port: 5000,
        streamId: 1,
        pps: 20_000,
        frameSize: 1000,
        durationMs: 60_000,
        hopLimit: 8,
      },
      { op: 'send', step: 1, interface: 'eth0', message: { template: 'ethernet' }, count: 10, intervalMs: 1 },
    ],
  };
  it('passes a plan inside every limit', () => {
    expect(policyRefusals(plan, {})).toEqual([]);
    expect(
      policyRefusals(plan, {
        interfaces: ['eth0', 'eth1'],
        maxPps: 20_000,
        maxBitsPerSecond: 160_000_000,
        maxDurationMs: 61_000,
      }),
    ).toEqual([]);
  });
  it('refuses with every reason: interface, pps, bit/s and duration', () => {
    expect(
      policyRefusals(plan, {
        interfaces: ['eth0'],
        maxPps: 500,
        maxBitsPerSecond: 1_000_000,
        maxDurationMs: 10_000,
      }),
    ).toEqual([
      'step 1: interface eth1 is not allowed by local policy (allowed: eth0)',
      'step 1: rate 20000 pps is above the local maximum 500 pps',
      'step 1: rate 160000000 bit/s is above the local maximum 1000000 bit/s',
      'step 2: rate 1000 pps is above the local maximum 500 pps',
      'plan runs up to 60010 ms, above the local maximum 10000 ms',
    ]);
  });
});

describe('identity file and config', () => {
  it('writes the identity readable by the owner only', async () => {
    const path = join(dir, 'state', 'agent.json');
    await writeIdentity(path, { url: 'https://x', agentId: 'a', key: 'nsa_k', name: 'h1' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readIdentity(path)).toMatchObject({ agentId: 'a', key: 'nsa_k' });
  });
  it('refuses unknown config keys and bad limits', () => {
    const f = join(dir, 'agent.json');
    writeFileSync(f, JSON.stringify({ policy: { maxPPS: 5 } }));
    expect(() => loadAgentConfig(f)).toThrow(/policy/);
    writeFileSync(f, JSON.stringify({ name: 'h1', policy: { maxPps: 100, interfaces: ['eth0'] } }));
    expect(loadAgentConfig(f)).toMatchObject({
      name: 'h1',
      engine: 'auto',
      policy: { maxPps: 100, interfaces: ['eth0'] },
    });
  });
});
