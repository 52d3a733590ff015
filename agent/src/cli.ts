// The agent's command line: `netspotter agent …` (the netspotter command hands `agent` here) and
// `netspotter-agent …` where the agent is installed alone. Runs the daemon in the foreground
// (systemd-friendly: JSON logs on stdout when piped, readable lines on a terminal; a clean stop on
// SIGTERM/SIGINT). The arguments are parsed by node:util, so the agent needs no server code at all.
// Besides running: --check (can it open its interfaces?), --deregister (install.sh --uninstall tells the
// server), and --trial (a new release proving it can beat before it replaces the running one).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nowMs } from '@netspotter/shared/agent-protocol';
import { capabilityWarning, interfaceError } from './capabilities.ts';
import { ServerClient } from './client/server-client.ts';
import { loadAgentConfig, type AgentConfig } from './config.ts';
import { AgentDaemon } from './daemon.ts';
import { selectEngine } from './engine/select-engine.ts';
import { consoleLogger } from './log.ts';
import { readIdentity } from './state-file.ts';
import { restartInto } from './update/restart.ts';
import { TRIAL_FLAG, trialPassedLine } from './update/trial.ts';
import { AGENT_VERSION } from './version.ts';

/** The exit code when the server refuses this agent (disconnected by an admin, key unknown). */
const EXIT_REFUSED = 3;

const usage = (prog: string) => `Usage: ${prog} [options]

run a Netspotter agent: enrol (once, with --token), heartbeat, lease and run test jobs

Options:
  --server <url>    server URL, e.g. https://netspotter.example:8080 (or "server" in the config)
  --token <token>   one-time enrolment token (needed on first start only; or "tokenFile" in the config)
  --config <file>   agent config (JSON): server, name, stateDir, policy
  --check           check that the packet engine can open the policy's interfaces (names a missing capability)
  --deregister      tell the server this agent is uninstalled (its session ends, its key stops working)
  --version         print the agent release
  -h, --help        display help for command
`;

interface Options {
  server?: string;
  token?: string;
  config?: string;
  check?: boolean;
  deregister?: boolean;
  trial?: boolean;
  version?: boolean;
  help?: boolean;
}

/** Runs the agent with command-line `args` until it is stopped; the exit code. */
export async function agentCli(args: string[], prog: string): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs({
      args,
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        config: { type: 'string' },
        check: { type: 'boolean' },
        deregister: { type: 'boolean' },
        trial: { type: 'boolean' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n\n${usage(prog)}`);
    return 1;
  }
  if (opts.help) {
    process.stdout.write(usage(prog));
    return 0;
  }
  if (opts.version) {
    process.stdout.write(`${AGENT_VERSION}\n`);
    return 0;
  }
  try {
    const config = loadAgentConfig(opts.config);
    if (opts.check) return check(config, prog);
    if (opts.deregister) return await deregister(config, prog);
    if (opts.trial) return await trial(config, prog);
    const url = opts.server ?? config.server;
    if (!url) {
      process.stderr.write(`error: required option '--server <url>' not specified\n\n${usage(prog)}`);
      return 1;
    }
    const token =
      opts.token ??
      (config.tokenFile && existsSync(config.tokenFile)
        ? readFileSync(config.tokenFile, 'utf8').trim()
        : undefined);
    const log = consoleLogger(config.logLevel, config.logFormat);
    const daemon = new AgentDaemon({
      url,
      ...(token && { token }),
      config,
      log,
      args: args.filter((a) => a !== TRIAL_FLAG),
    });
    const stop = (signal: string) => {
      log.info('stopping', { signal });
      daemon.stop();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    await daemon.run();
    log.info('stopped');
    if (daemon.restartInto) return restartInto(daemon.restartInto, args);
    return daemon.refused ? EXIT_REFUSED : 0;
  } catch (err) {
    process.stderr.write(`${prog}: ${(err as Error).message}\n`);
    return 1;
  }
}

/** Opens the policy's interfaces (or none but the engine's probe) as a job would; 1 with the reason. */
function check(config: AgentConfig, prog: string): number {
  const { engine } = selectEngine(config.engine);
  const why = engine.unavailable();
  if (why) {
    process.stderr.write(`${prog}: packet engine ${engine.name} cannot run: ${why}\n`);
    const caps = capabilityWarning();
    if (caps) process.stderr.write(`${prog}: ${caps}\n`);
    return 1;
  }
  for (const ifname of config.policy.interfaces ?? []) {
    try {
      engine.open(ifname).close();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      process.stderr.write(
        `${prog}: ${e.message.startsWith('cannot open') ? e.message : interfaceError(ifname, e.message, e.code)}\n`,
      );
      return 1;
    }
  }
  process.stdout.write(
    `ok: packet engine ${engine.name}${config.policy.interfaces?.length ? `, interfaces ${config.policy.interfaces.join(', ')}` : ''}\n`,
  );
  return 0;
}

function enrolledClient(config: AgentConfig): { client: ServerClient; name: string } {
  const id = readIdentity(join(config.stateDir, 'agent.json'));
  if (!id) throw new Error(`not enrolled (no agent.json in ${config.stateDir})`);
  return {
    client: new ServerClient({
      url: id.url,
      ...(id.fingerprint && { fingerprint: id.fingerprint }),
      key: id.key,
    }),
    name: id.name,
  };
}

async function deregister(config: AgentConfig, prog: string): Promise<number> {
  const { client, name } = enrolledClient(config);
  try {
    await client.deregister('uninstalled');
    process.stdout.write(`${prog}: the server was told that agent ${name} is uninstalled\n`);
    return 0;
  } finally {
    client.close();
  }
}

/** One heartbeat with this release's key and version; prints the trial line and exits 0 when it beat. */
async function trial(config: AgentConfig, prog: string): Promise<number> {
  const { client } = enrolledClient(config);
  try {
    await client.heartbeat({ t0: nowMs(), update: { version: AGENT_VERSION, state: 'trial' } });
    const { engine } = selectEngine(config.engine);
    process.stdout.write(
      `${trialPassedLine({ engine: engine.name, engineReady: engine.unavailable() === undefined })}\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`${prog}: trial of ${AGENT_VERSION} failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    client.close();
  }
}
