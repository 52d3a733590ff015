// The updater on a real install layout (ROOT/releases/VERSION, ROOT/current) with real release tarballs
// served over HTTP and real executables (shell scripts standing in for the agent: a trial is a process
// that prints its result). The daemon's side (drain, reports, restart) is the UpdaterHost interface,
// recorded here.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UpdateOffer, UpdateReport } from '@netspotter/shared/agent-protocol';
import { Transport } from '../src/client/transport.ts';
import { jsonLogger } from '../src/log.ts';
import type { InstallLayout } from '../src/update/install-layout.ts';
import { trialPassedLine } from '../src/update/trial.ts';
import { readMarker, writeMarker } from '../src/update/update-marker.ts';
import { Updater, type UpdaterHost } from '../src/update/updater.ts';
import { AGENT_VERSION } from '../src/version.ts';

const PASSES = `#!/bin/sh\necho '${trialPassedLine({ engine: 'native', engineReady: true })}'\n`;
const BROKEN = '#!/bin/sh\necho "broken build" >&2\nexit 1\n';

let work: string;
let server: Server;
let transport: Transport;
/** Tarballs the server serves, by request path; and the paths requested. */
const served = new Map<string, Buffer>();
const requested: string[] = [];

function tarball(script: string): Buffer {
  const stage = mkdtempSync(join(work, 'stage-'));
  writeFileSync(join(stage, 'netspotter-agent'), script, { mode: 0o755 });
  const out = join(stage, 'release.tar.gz');
  expect(spawnSync('tar', ['-czf', out, '-C', stage, 'netspotter-agent']).status).toBe(0);
  return readFileSync(out);
}

function offer(version: string, bytes: Buffer, sha256?: string): UpdateOffer {
  const path = `/agent/download/${version}/x64`;
  served.set(path, bytes);
  return {
    version,
    arch: 'x64',
    sha256: sha256 ?? createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    path,
  };
}

class Host implements UpdaterHost {
  readonly log = jsonLogger('error', () => undefined);
  readonly args: string[] = [];
  readonly reports: UpdateReport[] = [];
  restarted: string | undefined;
  resumed = false;
  releaseDrain!: () => void;
  readonly drained = new Promise<void>((r) => (this.releaseDrain = r));
  constructor(readonly stateDir: string) {}
  transport = () => transport;
  engineReady = () => true;
  drain = () => this.drained;
  resume = () => void (this.resumed = true);
  report = async (r: UpdateReport) => void this.reports.push(r);
  restart = (executable: string) => void (this.restarted = executable);
}

async function until(ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('updater', () => {
  let layout: InstallLayout;
  let host: Host;
  const current = () => readlinkSync(layout.current);
  const releases = () => readdirSync(layout.releases).sort();
  const install = (version: string, script = PASSES) => {
    mkdirSync(join(layout.releases, version), { recursive: true });
    writeFileSync(join(layout.releases, version, 'netspotter-agent'), script, { mode: 0o755 });
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ns-updater-'));
    server = createServer((req, res) => {
      requested.push(req.url ?? '');
      const body = served.get(req.url ?? '');
      res.writeHead(body ? 200 : 404).end(body ?? '{"message":"no such release"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    transport = new Transport({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  afterAll(() => {
    server?.close();
    rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => {
    const root = mkdtempSync(join(work, 'opt-'));
    layout = { root, releases: join(root, 'releases'), current: join(root, 'current') };
    install(AGENT_VERSION);
    symlinkSync(join('releases', AGENT_VERSION), layout.current);
    mkdirSync(join(root, 'state'));
    host = new Host(join(root, 'state'));
    requested.length = 0;
  });
  afterEach(() => transport.close());

  it('downloads only once the jobs in flight are done, then checks, tries, switches and restarts into it', async () => {
    const updater = new Updater(host, layout, 5000);
    updater.offer(offer('9.0.0', tarball(PASSES)));
    await new Promise((r) => setTimeout(r, 300));
    expect(requested).toEqual([]); // still draining: nothing fetched
    host.releaseDrain();
    await until(() => host.restarted !== undefined);
    expect(requested).toEqual(['/agent/download/9.0.0/x64']);
    expect(host.restarted).toBe(join(layout.releases, '9.0.0', 'netspotter-agent'));
    expect(current()).toBe('releases/9.0.0');
    expect(host.reports.map((r) => r.state)).toEqual(['downloading', 'trial', 'restarting']);
    expect(readMarker(host.stateDir)).toMatchObject({ from: AGENT_VERSION, to: '9.0.0', phase: 'switched' });
    expect(host.resumed).toBe(false); // it restarts instead
  });

  it('refuses a download whose SHA-256 is not the one signed off: nothing unpacked, current unchanged', async () => {
    host.releaseDrain();
    const bytes = tarball(PASSES);
    new Updater(host, layout, 5000).offer(offer('9.0.1', bytes, 'ab'.repeat(32)));
    await until(() => host.resumed);
    expect(host.reports.at(-1)).toMatchObject({ version: '9.0.1', state: 'failed' });
    expect(host.reports.at(-1)!.message).toMatch(
      /SHA-256 [0-9a-f]{64}, not the (ab){32} the server signed off: refused/,
    );
    expect(releases()).toEqual([AGENT_VERSION]);
    expect(current()).toBe(`releases/${AGENT_VERSION}`);
    expect(host.restarted).toBeUndefined();
  });

  it('rolls back a release that fails its trial, says why, and removes it', async () => {
    host.releaseDrain();
    new Updater(host, layout, 5000).offer(offer('9.0.2', tarball(BROKEN)));
    await until(() => host.resumed);
    const last = host.reports.at(-1)!;
    expect(last).toMatchObject({ version: '9.0.2', state: 'rolled-back' });
    expect(last.message).toContain('broken build');
    expect(last.message).toContain(`staying on ${AGENT_VERSION}`);
    expect(releases()).toEqual([AGENT_VERSION]);
    expect(current()).toBe(`releases/${AGENT_VERSION}`);
  });

  it('after a switch, a release that does not beat in time switches back and restarts the old one', async () => {
    install('0.0.9');
    writeMarker(host.stateDir, { from: '0.0.9', to: AGENT_VERSION, phase: 'switched', at: Date.now() });
    expect(new Updater(host, layout, 200).start()).toBeUndefined();
    await until(() => host.restarted !== undefined);
    expect(host.restarted).toBe(join(layout.releases, '0.0.9', 'netspotter-agent'));
    expect(current()).toBe('releases/0.0.9');
    // The old release, started again, reports the switch back with its first beat.
    const report = new Updater(host, layout, 200).start();
    expect(report).toMatchObject({ version: AGENT_VERSION, state: 'rolled-back' });
    expect(report!.message).toContain('did not beat within');
    expect(existsSync(join(host.stateDir, 'update.json'))).toBe(false);
  });

  it('a beat in time confirms the switch: older releases go, the one it replaced stays', async () => {
    install('0.0.8');
    install('0.0.9');
    writeMarker(host.stateDir, { from: '0.0.9', to: AGENT_VERSION, phase: 'switched', at: Date.now() });
    const updater = new Updater(host, layout, 300);
    updater.start();
    expect(updater.beat()).toEqual({ version: AGENT_VERSION, state: 'succeeded' });
    expect(releases()).toEqual(['0.0.9', AGENT_VERSION].sort());
    await new Promise((r) => setTimeout(r, 500));
    expect(host.restarted).toBeUndefined();
    expect(readMarker(host.stateDir)).toBeUndefined();
    expect(updater.beat()).toBeUndefined(); // confirmed once
  });
});
