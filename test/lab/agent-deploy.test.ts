// Issue 18 lab: deploying agents. A real server (HTTPS, generated certificate) hands out agent releases
// built by the release script into its artifact folder. A fresh host — a lab namespace with its own mount
// namespace where the repository, /tmp and Node are not visible (fresh-host.ts) — runs the one-line
// install from the enrolment dialog; the installed agent (a single executable, run by the systemctl
// stand-in as its unit says: user netspotter-agent, only CAP_NET_RAW and CAP_NET_ADMIN, no new
// privileges, read-only file system but its own folder) enrols, runs a multicast sequence with another
// lab agent, updates to a newer build served by the server and runs again; a broken build is rolled
// back, a tampered one refused, a server not matching the pin refused; without CAP_NET_RAW the agent
// names the capability; --uninstall removes it all and tells the server. Without systemd the script prints
// the command to run, and that command runs the agent with the same two capabilities.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCommand } from '@netspotter/shared/agent-protocol';
import { missingParts } from '../support/system.ts';
import { FreshHost } from './fresh-host.ts';
import { NetnsLab } from './netns-lab.ts';
import { LabServer, startAgent, type LabAgent } from './netspotter-processes.ts';

const BUILD = fileURLToPath(new URL('../../agent/scripts/build-release.mjs', import.meta.url));
/** Why no agent release can be built here (another OS, a Node without the single-executable fuse), if so. */
function releaseUnbuildable(): string | undefined {
  const r = spawnSync(process.execPath, [BUILD, '--check'], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  console.warn(`SKIP: ${r.stderr.trim()}`);
  return r.stderr.trim();
}
const skip =
  missingParts({
    commands: ['ip', 'bridge', 'nsenter', 'unshare', 'setpriv', 'curl', 'openssl', 'strip'],
    root: true,
  }) ?? releaseUnbuildable();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface AgentRow {
  id: string;
  name: string;
  state: string;
  version: string | null;
  lastSeenAt: string | null;
  update: { targetVersion: string; state: string; message: string | null } | null;
}

describe.skipIf(skip)('agent deployment on a fresh host', () => {
  let lab: NetnsLab;
  let server: LabServer;
  let host: FreshHost;
  let dir: string;
  let artifacts: string;
  let url: string;
  let h2: LabAgent;
  let pinServer: ChildProcess | undefined;
  let publicKeyPin: string;
  const built = Date.now();

  async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000, every = 500): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (ok(v) || Date.now() > end) return v;
      await sleep(every);
    }
  }
  const api = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => server.api<T>(method, path, body);
  const fresh = async () =>
    (await api<AgentRow[]>('GET', '/api/agents')).body.find((a) => a.name === 'lab-fresh');
  const buildRelease = (version: string) => {
    const r = spawnSync(process.execPath, [BUILD, '--version', version, '--out', artifacts, '--strict'], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`release build ${version} failed: ${r.stderr}`);
    console.log(r.stdout.trim().split('\n')[0]);
  };
  /** What the stand-in captured of the agent service's output (as journalctl would show it). */
  const serviceLog = () => host.exec('tail -n 40 /run/systemctl-stand-in/netspotter-agent.log').stdout;
  const releaseFile = (v: string) => join(artifacts, `netspotter-agent-${v}-linux-x64.tar.gz`);
  const agentProcess = () => {
    // The agent's process on the fresh host: whatever runs an executable of the installed releases.
    const r = host.exec(
      'for p in /proc/[0-9]*; do case "$(readlink $p/exe 2>/dev/null)" in /opt/netspotter-agent/releases/*) echo "${p#/proc/} $(readlink $p/exe)";; esac; done',
    );
    return r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string]);
  };

  type RunOutcome = { state: string; message: string | null };
  const runState = async (runId: string) => (await api<RunOutcome>('GET', `/api/runs/${runId}`)).body;

  /** Runs a sequence between the fresh agent and h2 (`waitMs` between the joins and the first send). */
  async function runSequence(name: string, group: string, waitMs = 1000): Promise<RunOutcome> {
    const runId = await startSequence(name, group, waitMs);
    return until(
      () => runState(runId),
      (r) => r.state !== 'queued' && r.state !== 'running',
      90_000,
    );
  }

  async function startSequence(name: string, group: string, waitMs: number): Promise<string> {
    const participants = [
      { name: 'fresh', agent: 'lab-fresh', interface: 'eth0' },
      { name: 'h2', agent: 'lab-h2', interface: 'eth0' },
    ];
    const message = (from: string, g: string) => ({
      template: 'ethernet',
      values: {
        dst: `33:33:00:00:${g.slice(-4, -2)}:${g.slice(-2)}`,
        src: `$${from}.mac`,
        body: {
          template: 'ipv6',
          values: {
            src: `$${from}`,
            dst: g,
            hopLimit: 8,
            body: { template: 'udp', values: { srcPort: 5000, dstPort: 5001, body: '0102030405' } },
          },
        },
      },
    });
    const back = `${group.slice(0, -1)}${(Number.parseInt(group.at(-1)!, 16) + 1).toString(16)}`;
    const seq = await api<{ id: string }>('POST', '/api/sequences', {
      name,
      definition: {
        participants,
        steps: [
          { op: 'join', at: 'h2', group, source: '$fresh' },
          { op: 'join', at: 'fresh', group: back, source: '$h2' },
          { op: 'wait', ms: waitMs },
          { op: 'send', from: 'fresh', message: message('fresh', group), count: 3, intervalMs: 100 },
          { op: 'expect', at: 'h2', message: message('fresh', group), count: 3, timeoutMs: 3000 },
          { op: 'send', from: 'h2', message: message('h2', back), count: 3, intervalMs: 100 },
          { op: 'expect', at: 'fresh', message: message('h2', back), count: 3, timeoutMs: 3000 },
        ],
      },
    });
    if (seq.status !== 201) throw new Error(JSON.stringify(seq.body));
    const task = await api<{ id: string }>('POST', '/api/tasks', {
      name,
      kind: 'sequence',
      args: { sequenceId: seq.body.id, startDelayMs: 2000 },
    });
    return (await api<{ id: string }>('POST', `/api/tasks/${task.body.id}/run`)).body.id;
  }

  /** Asks the server to update the fresh agent to `version`; waits until its update left the active states. */
  async function updateTo(version: string): Promise<AgentRow> {
    const id = (await fresh())!.id;
    const r = await api<{ requested: unknown[]; skipped: unknown[] }>('POST', '/api/agents/update', {
      agentIds: [id],
      version,
    });
    expect(r.body.requested, JSON.stringify(r.body)).toHaveLength(1);
    return (await until(
      fresh,
      (a) => ['succeeded', 'failed', 'rolled-back'].includes(a?.update?.state ?? '') && a?.state === 'online',
      180_000,
    ))!;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ns-deploy-'));
    artifacts = join(dir, 'artifacts');
    mkdirSync(artifacts);
    buildRelease('0.1.0');
    lab = await NetnsLab.create({ hosts: ['fresh', 'h2'], management: true });
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    server = new LabServer(join(dir, 'server'), port, { NETSPOTTER_AGENT_ARTIFACTS: artifacts });
    await server.start();
    url = `https://[${lab.mgmtAddress}]:${port}`;
    h2 = startAgent(lab, dir, 'h2', url, await server.newToken('h2'), { interfaces: ['eth0'] });
    host = await FreshHost.create(lab, 'fresh', join(dir, 'fresh'));
  }, 300_000);

  afterAll(async () => {
    pinServer?.kill('SIGKILL');
    await host?.destroy();
    await server?.kill();
    await lab?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the fresh host has no repository and no Node', () => {
    const r = host.exec(
      'ls /work; node --version; echo "repo:$(ls ' +
        fileURLToPath(new URL('../..', import.meta.url)) +
        ' | wc -l)"',
    );
    expect(r.stdout).toContain('repo:0');
    expect(r.stderr).toMatch(/node: (Permission denied|not found|cannot execute)/);
  });

  it('installs with the enrolment dialog’s one line, as its own user with only CAP_NET_RAW and CAP_NET_ADMIN', async () => {
    const t = await api<{ token: string; publicKeyPin: string }>('POST', '/api/agents/enrolment-tokens', {
      name: 'lab-fresh',
    });
    publicKeyPin = t.body.publicKeyPin;
    // The line as the dialog shows it (it names the agent as the token); this host has no sudo and the
    // test runs as root.
    const line = installCommand({
      server: url,
      token: t.body.token,
      publicKeyPin,
      name: 'lab-fresh',
    }).replace('| sudo sh', '| sh');
    const started = Date.now();
    const install = host.exec(line);
    const installMs = Date.now() - started;
    expect(install.code, install.stderr + install.stdout).toBe(0);
    expect(install.stdout).toContain('agent 0.1.0 installed and started');
    const online = await until(fresh, (a) => a?.state === 'online', 60_000, 250);
    const onlineMs = Date.now() - started;
    expect(online, serviceLog()).toMatchObject({ version: '0.1.0' });
    console.log(
      `deploy: install on a fresh namespace ${(installMs / 1000).toFixed(1)} s (download, check, unpack, unit), ` +
        `enrolled and online after ${(onlineMs / 1000).toFixed(1)} s; release ${(readFileSync(releaseFile('0.1.0')).length / 1e6).toFixed(1)} MB`,
    );

    const sh = (cmd: string) => host.exec(cmd).stdout.trim();
    expect(sh('readlink /opt/netspotter-agent/current')).toBe('releases/0.1.0');
    expect(sh('ls /opt/netspotter-agent/releases/0.1.0').split('\n')).toEqual([
      'netspotter-agent',
      'netspotter_native.node',
    ]);
    expect(sh('ls /opt/netspotter-agent/state')).not.toContain('enrolment-token'); // burnt, so removed
    expect(sh('stat -c "%U %a" /opt/netspotter-agent/state')).toBe('netspotter-agent 700');
    const uid = sh('id -u netspotter-agent');
    expect(JSON.parse(sh('cat /etc/netspotter-agent/config.json'))).toMatchObject({
      server: url,
      name: 'lab-fresh',
      stateDir: '/opt/netspotter-agent/state',
    });
    const [proc] = agentProcess();
    expect(proc, JSON.stringify(agentProcess())).toBeDefined();
    const status = readFileSync(`/proc/${proc![0]}/status`, 'utf8');
    const field = (k: string) => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(status)![1]!;
    expect(field('Uid').split(/\s+/)[0]).toBe(uid);
    // Bits 12 (CAP_NET_ADMIN) and 13 (CAP_NET_RAW), nothing else, in every set.
    for (const set of ['CapAmb', 'CapEff', 'CapPrm', 'CapBnd'])
      expect(field(set), set).toBe('0000000000003000');
    expect(field('NoNewPrivs')).toBe('1');
    // Read-only but for its own folder.
    const mounts = readFileSync(`/proc/${proc![0]}/mountinfo`, 'utf8')
      .split('\n')
      .map((l) => l.split(' '));
    const options = (point: string) => mounts.find((m) => m[4] === point)?.[5] ?? '';
    expect(options('/')).toMatch(/^ro\b/);
    expect(options('/etc')).toMatch(/^ro\b/);
    expect(options('/opt/netspotter-agent')).toMatch(/^rw\b/);
  }, 240_000);

  it('the installed agent runs a multicast sequence with the lab’s other agent, both ways', async () => {
    await until(
      async () =>
        (await api<AgentRow[]>('GET', '/api/agents')).body.filter((a) => a.state === 'online').length,
      (n) => n === 2,
    );
    // Until the querier has run a query cycle the bridge floods all multicast.
    await sleep(Math.max(0, built + 12_000 - Date.now()));
    const run = await runSequence('deploy-1', 'ff3e::1810');
    expect(run, JSON.stringify(run)).toMatchObject({ state: 'succeeded' });
  }, 120_000);

  it('updates to a newer build served by the server once its job in flight is done, then runs again', async () => {
    buildRelease('0.1.1');
    const before = agentProcess();
    // A run in flight when the update is asked for: the agent finishes it before it switches.
    const inFlight = await startSequence('deploy-in-flight', 'ff3e::1830', 4000);
    await until(
      () => runState(inFlight),
      (r) => r.state === 'running',
      20_000,
      100,
    );
    const done = await updateTo('0.1.1');
    const finished = await until(
      () => runState(inFlight),
      (r) => r.state !== 'running',
    );
    expect(finished, JSON.stringify(finished)).toMatchObject({ state: 'succeeded' });
    // The old release's log: the job was leased before the offer and finished before the switch.
    const lines = host.exec('cat /run/systemctl-stand-in/netspotter-agent.log').stdout.split('\n');
    const at = (text: string) => lines.findLastIndex((l) => l.includes(text));
    const offered = at('update offered: finishing jobs in flight first');
    expect(at('job leased')).toBeLessThan(offered);
    expect(offered).toBeLessThan(at('job finished'));
    expect(at('job finished')).toBeLessThan(at('update: switched, restarting'));
    expect(done, JSON.stringify(done)).toMatchObject({ version: '0.1.1', update: { state: 'succeeded' } });
    expect(host.exec('readlink /opt/netspotter-agent/current').stdout.trim()).toBe('releases/0.1.1');
    const after = agentProcess();
    expect(after.map(([, exe]) => exe)).toEqual(['/opt/netspotter-agent/releases/0.1.1/netspotter-agent']);
    expect(after[0]![0]).not.toBe(before[0]![0]);
    const run = await runSequence('deploy-2', 'ff3e::1820');
    expect(run, JSON.stringify(run)).toMatchObject({ state: 'succeeded' });
  }, 300_000);

  it('a broken build fails its trial and is rolled back; the agent stays on its release', async () => {
    // A release that is signed off (its digest matches) but cannot run: its executable exits at once.
    const stage = join(dir, 'broken');
    mkdirSync(stage);
    writeFileSync(join(stage, 'netspotter-agent'), '#!/bin/sh\necho "broken build" >&2\nexit 1\n', {
      mode: 0o755,
    });
    spawnSync('tar', ['-xzf', releaseFile('0.1.1'), '-C', stage, 'netspotter_native.node']);
    const file = releaseFile('0.1.2');
    expect(
      spawnSync('tar', ['-czf', file, '-C', stage, 'netspotter-agent', 'netspotter_native.node']).status,
    ).toBe(0);
    const sha = spawnSync('sha256sum', [file], { encoding: 'utf8' }).stdout.split(' ')[0];
    writeFileSync(`${file}.sha256`, `${sha}  ${file.split('/').at(-1)}\n`);
    const done = await updateTo('0.1.2');
    expect(done, JSON.stringify(done)).toMatchObject({
      version: '0.1.1',
      state: 'online',
      update: { state: 'rolled-back' },
    });
    expect(done.update!.message).toContain('broken build');
    expect(host.exec('readlink /opt/netspotter-agent/current').stdout.trim()).toBe('releases/0.1.1');
    expect(agentProcess().map(([, exe]) => exe)).toEqual([
      '/opt/netspotter-agent/releases/0.1.1/netspotter-agent',
    ]);
  }, 240_000);

  it('a tampered artifact (one flipped byte) is refused and the old version keeps running', async () => {
    const file = releaseFile('0.1.3');
    copyFileSync(releaseFile('0.1.1'), file);
    const sha = spawnSync('sha256sum', [file], { encoding: 'utf8' }).stdout.split(' ')[0];
    writeFileSync(`${file}.sha256`, `${sha}  ${file.split('/').at(-1)}\n`);
    const listed = await api<{ releases: { version: string }[] }>('GET', '/api/agents/releases');
    expect(listed.body.releases.map((r) => r.version)).toContain('0.1.3'); // registered with the good digest
    const fd = openSync(file, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, 1_000_000);
    byte[0]! ^= 0x01;
    writeSync(fd, byte, 0, 1, 1_000_000);
    closeSync(fd);
    const seenBefore = (await fresh())!.lastSeenAt;
    const done = await updateTo('0.1.3');
    expect(done, JSON.stringify(done)).toMatchObject({
      version: '0.1.1',
      state: 'online',
      update: { state: 'failed' },
    });
    expect(done.update!.message).toMatch(
      /SHA-256 [0-9a-f]{64}, not the [0-9a-f]{64} the server signed off: refused/,
    );
    expect(host.exec('ls /opt/netspotter-agent/releases').stdout.split('\n').filter(Boolean).sort()).toEqual([
      '0.1.0',
      '0.1.1',
    ]);
    await sleep(3000);
    expect((await fresh())!.lastSeenAt! > seenBefore!).toBe(true); // still beating
  }, 240_000);

  it('a server whose certificate does not match the pin is refused before anything is fetched or changed', async () => {
    // Another TLS server on the lab's management address, with its own key.
    const key = join(dir, 'other.key');
    const cert = join(dir, 'other.crt');
    spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      '/CN=other',
      '-days',
      '1',
    ]);
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    pinServer = spawn(
      'openssl',
      ['s_server', '-6', '-accept', String(port), '-cert', cert, '-key', key, '-www'],
      {
        stdio: 'ignore',
      },
    );
    await sleep(1000);
    const other = `https://[${lab.mgmtAddress}]:${port}`;
    const t = await api<{ token: string }>('POST', '/api/agents/enrolment-tokens', { name: 'other' });
    // The dialog's line with this server's pin, pointed at the other server: curl refuses the peer.
    const line = installCommand({ server: other, token: t.body.token, publicKeyPin }).replace(
      '| sudo sh',
      '| sh',
    );
    const r = host.exec(line);
    expect(r.stderr).toContain('public key does not match pinned public key');
    // The real script (from the real server) told to download from the other server: refused, nothing changed.
    const script = host.exec(
      `curl -fsS --pinnedpubkey '${publicKeyPin}' -k '${url}/agent/install.sh' > /run/install.sh && ` +
        `sh /run/install.sh --server '${other}' --token '${t.body.token}'`,
    );
    expect(script.code).toBe(1);
    expect(script.stderr).toContain(`download from ${other} failed`);
    expect(host.exec('readlink /opt/netspotter-agent/current').stdout.trim()).toBe('releases/0.1.1');
    expect((await fresh())!.state).toBe('online');
  }, 60_000);

  it('as an unprivileged user without CAP_NET_RAW the agent names the missing capability', () => {
    const r = host.exec(
      'setpriv --reuid=netspotter-agent --regid=netspotter-agent --init-groups --inh-caps=-all --bounding-set=-all ' +
        '/opt/netspotter-agent/current/netspotter-agent --check --config /etc/netspotter-agent/config.json',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing capability CAP_NET_RAW');
    const ok = host.exec(
      `setpriv --reuid=netspotter-agent --regid=netspotter-agent --init-groups --inh-caps=+net_raw,+net_admin ` +
        '--ambient-caps=+net_raw,+net_admin /opt/netspotter-agent/current/netspotter-agent --check --config /etc/netspotter-agent/config.json',
    );
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('uninstalls: the unit, the user and the files go, and the server ends the session as "uninstalled"', async () => {
    const id = (await fresh())!.id;
    const r = host.exec(
      `curl -fsS --pinnedpubkey '${publicKeyPin}' -k '${url}/agent/install.sh' | sh -s -- --uninstall`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('uninstalled');
    const left = host.exec(
      'ls /opt/netspotter-agent /etc/netspotter-agent /etc/systemd/system/netspotter-agent.service 2>&1; id netspotter-agent 2>&1',
    );
    expect(left.stdout).not.toMatch(/^releases|config\.json$/m);
    expect(left.stdout).toContain('no such user');
    expect(agentProcess()).toEqual([]);
    const sessions = await api<{ endedAt: string | null; endReason: string | null }[]>(
      'GET',
      `/api/agents/sessions?agentId=${id}`,
    );
    expect(sessions.body[0]).toMatchObject({ endReason: 'uninstalled' });
    expect((await fresh())!.state).toBe('disconnected');
    expect(h2.lines.length).toBeGreaterThan(0);
  }, 60_000);

  it('without systemd it installs, prints the command to run, and that command runs the agent with only the two capabilities', async () => {
    expect(host.exec('rm -rf /run/systemd').code).toBe(0);
    const t = await api<{ token: string }>('POST', '/api/agents/enrolment-tokens', { name: 'lab-nosd' });
    const line = installCommand({ server: url, token: t.body.token, publicKeyPin, name: 'lab-nosd' }).replace(
      '| sudo sh',
      '| sh',
    );
    // The newest release is still the tampered 0.1.3: the script checks the digest itself and refuses it.
    const refused = host.exec(line);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("the download's SHA-256 is not the server's");
    expect(host.exec('ls /opt/netspotter-agent/releases 2>&1').stdout).toContain('No such file');
    // Without the tampered and the broken build the newest is 0.1.1 again.
    for (const v of ['0.1.2', '0.1.3']) rmSync(releaseFile(v));
    const install = host.exec(line);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toContain('no systemd here, so start it yourself (as root):');
    const command = install.stdout
      .split('\n')
      .find((l) => l.startsWith('  setpriv '))!
      .trim();
    expect(command).toContain('--ambient-caps=+net_raw,+net_admin');
    expect(host.exec(`setsid ${command} >/run/nosd.log 2>&1 </dev/null &`).code).toBe(0);
    const row = async () =>
      (await api<AgentRow[]>('GET', '/api/agents')).body.find((a) => a.name === 'lab-nosd');
    const online = await until(row, (a) => a?.state === 'online', 60_000, 250);
    expect(online, host.exec('cat /run/nosd.log').stdout).toMatchObject({ version: '0.1.1' });
    const [proc] = agentProcess();
    const status = readFileSync(`/proc/${proc![0]}/status`, 'utf8');
    expect(/^Uid:\s*(\d+)/m.exec(status)![1]).toBe(host.exec('id -u netspotter-agent').stdout.trim());
    for (const set of ['CapAmb', 'CapEff', 'CapBnd'])
      expect(new RegExp(`^${set}:\\s*(\\S+)`, 'm').exec(status)![1], set).toBe('0000000000003000');
    // This test started it, so it stops it (by its pid); then the script uninstalls and tells the server.
    process.kill(Number(proc![0]), 'SIGTERM');
    await until(
      async () => agentProcess().length,
      (n) => n === 0,
      10_000,
      100,
    );
    const r = host.exec(
      `curl -fsS --pinnedpubkey '${publicKeyPin}' -k '${url}/agent/install.sh' | sh -s -- --uninstall`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect((await row())!.state).toBe('disconnected');
    expect(host.exec('ls /opt/netspotter-agent 2>&1; id netspotter-agent 2>&1').stdout).toMatch(
      /No such file or directory[\s\S]*no such user/,
    );
  }, 90_000);
});
