// Issue 17 lab: a remote poller. The device `dev` (real snmpd) sits on its own /64 behind the agent's host
// `a`, which routes for it; the server runs in the root namespace and reaches `a` over the management veth,
// but has no route to dev's /64. Discovering dev's target without a site (the server polls it) finds it
// unreachable; with the site of the agent running in `a`, the agent polls it and the run completes with
// dev's facts, the report naming the agent. The community never reaches the agent's state folder or logs.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../server/test/support/until.ts';
import { missingParts } from '../support/system.ts';
import { startSnmpd } from './lab-daemons.ts';
import { NetnsLab } from './netns-lab.ts';
import { LabServer, startAgent, type LabAgent } from './netspotter-processes.ts';

const skip = missingParts({ commands: ['ip', 'snmpd'], root: true });
/** Unique, so finding it anywhere on the agent's disk or in its output can only mean it leaked. */
const COMMUNITY = `lab-remote-${Math.random().toString(36).slice(2, 10)}`;
const SITE = 'branch-lab';

interface Run {
  id: string;
  state: string;
  message: string | null;
  result: {
    snapshotId: string;
    devices: number;
    unreachable: { target: string; reason: string }[];
    report: { target: string; status: string; poller?: string }[];
  } | null;
}

/** Every file under `dir`, read as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((p) => statSync(p).isFile())
    .map((path) => ({ path, text: readFileSync(path, 'latin1') }));
}

describe.skipIf(skip)('remote poller in the namespace lab (the server cannot route to the device)', () => {
  let lab: NetnsLab;
  let server: LabServer;
  let agent: LabAgent;
  let dir: string;
  let targetId: string;
  const api = <T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) =>
    server.api<T>(method, path, body);

  async function discover(): Promise<Run> {
    const task = await api<{ id: string }>('POST', '/api/tasks', {
      name: `remote-${Date.now()}`,
      kind: 'discovery',
      args: { targetIds: [targetId], timeoutMs: 1000, retries: 1, pollerWaitMs: 30_000 },
    });
    if (task.status !== 201) throw new Error(JSON.stringify(task.body));
    const runId = (await api<{ id: string }>('POST', `/api/tasks/${task.body.id}/run`)).body.id;
    return until(
      async () => (await api<Run>('GET', `/api/runs/${runId}`)).body,
      (r) => r.state !== 'queued' && r.state !== 'running',
      90_000,
      500,
    );
  }

  beforeAll(async () => {
    lab = await NetnsLab.create({ hosts: ['a'], routed: [{ name: 'dev', router: 'a' }], management: true });
    dir = mkdtempSync(join(tmpdir(), 'ns-remote-'));
    await startSnmpd(lab, 'dev', join(dir, 'snmp'), [], COMMUNITY);
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    server = new LabServer(join(dir, 'server'), port);
    await server.start();
    const url = `https://[${lab.mgmtAddress}]:${port}`;
    agent = startAgent(lab, dir, 'a', url, await server.newToken('a'));
    const online = await until(
      async () => (await api<{ id: string; name: string; state: string }[]>('GET', '/api/agents')).body,
      (list) => list.some((x) => x.name === agent.name && x.state === 'online'),
      60_000,
      250,
    );
    const me = online.find((x) => x.name === agent.name && x.state === 'online');
    if (!me) throw new Error(`agent not online: ${JSON.stringify(online)}\n${agent.lines.join('\n')}`);
    const patched = await api<{ site: string }>('PATCH', `/api/agents/${me.id}`, { site: SITE });
    expect(patched.body.site).toBe(SITE);
    const target = await api<{ id: string }>('POST', '/api/targets', {
      address: lab.host('dev').address,
      credential: { version: 'v2c', community: COMMUNITY },
    });
    if (target.status !== 201) throw new Error(JSON.stringify(target.body));
    targetId = target.body.id;
    // The agent's namespace reaches the device (snmpd answers there).
    const walk = await lab.exec('a', 'snmpget', [
      '-v2c',
      '-c',
      COMMUNITY,
      '-Oqv',
      `udp6:[${lab.host('dev').address}]`,
      '1.3.6.1.2.1.1.5.0',
    ]);
    expect(walk.trim()).toContain('dev');
  }, 240_000);

  afterAll(async () => {
    await server?.kill();
    await lab?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('without a site, the server polls the target itself and cannot reach it', async () => {
    const run = await discover();
    expect(run.state).toBe('succeeded');
    expect(run.result!.devices).toBe(0);
    expect(run.result!.report).toEqual([
      expect.objectContaining({ target: lab.host('dev').address, poller: 'server', status: 'timeout' }),
    ]);
    expect(run.result!.unreachable.map((u) => u.target)).toEqual([lab.host('dev').address]);
  }, 120_000);

  it('with the agent’s site, the agent polls it: the run completes with the device, naming the agent', async () => {
    const patched = await api<{ site: string }>('PATCH', `/api/targets/${targetId}`, { site: SITE });
    expect(patched.body.site).toBe(SITE);
    const run = await discover();
    expect(run.state, run.message ?? '').toBe('succeeded');
    expect(run.result!.unreachable).toEqual([]);
    expect(run.result!.devices).toBe(1);
    expect(run.result!.report).toEqual([
      expect.objectContaining({ target: lab.host('dev').address, poller: agent.name, status: 'ok' }),
    ]);
    const report = await api<{ targets: { device?: string; poller?: string }[] }>(
      'GET',
      `/api/snapshots/${run.result!.snapshotId}/report`,
    );
    expect(report.body.targets[0]).toMatchObject({ poller: agent.name, device: expect.any(String) });
    const device = await api<{ device: { system: { sysName?: string }; report: { poller?: string }[] } }>(
      'GET',
      `/api/devices/${encodeURIComponent(report.body.targets[0]!.device!)}?snapshot=${run.result!.snapshotId}`,
    );
    expect(device.body.device.system.sysName).toBe('dev');
    // The device page's report rows say who reached it.
    expect(device.body.device.report).toEqual([expect.objectContaining({ poller: agent.name })]);
    expect(agent.lines.join('\n')).toContain('remote poll done');
  }, 120_000);

  it('the community never reaches the agent’s disk or output', () => {
    const files = filesUnder(agent.stateDir);
    expect(files.length).toBeGreaterThan(0); // its identity and journals are there
    expect(files.filter((f) => f.text.includes(COMMUNITY)).map((f) => f.path)).toEqual([]);
    expect(agent.lines.join('\n')).not.toContain(COMMUNITY);
  });
});
