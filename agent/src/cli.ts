// The agent's command line: `netspotter agent …` (the netspotter command hands `agent` here) and
// `netspotter-agent …` where the agent is installed alone. Runs the daemon in the foreground
// (systemd-friendly: JSON logs on stdout when piped, readable lines on a terminal; a clean stop on
// SIGTERM/SIGINT). The arguments are parsed by node:util, so the agent needs no server code at all.
import { parseArgs } from 'node:util';
import { loadAgentConfig } from './config.ts';
import { AgentDaemon } from './daemon.ts';
import { consoleLogger } from './log.ts';

/** The exit code when the server refuses this agent (disconnected by an admin, key unknown). */
const EXIT_REFUSED = 3;

const usage = (prog: string) => `Usage: ${prog} [options]

run a Netspotter agent: enrol (once, with --token), heartbeat, lease and run test jobs

Options:
  --server <url>    server URL, e.g. https://netspotter.example:8080
  --token <token>   one-time enrolment token (needed on first start only)
  --config <file>   agent config (JSON): name, stateDir, policy
  -h, --help        display help for command
`;

/** Runs the agent with command-line `args` until it is stopped; the exit code. */
export async function agentCli(args: string[], prog: string): Promise<number> {
  let opts: { server?: string; token?: string; config?: string; help?: boolean };
  try {
    opts = parseArgs({
      args,
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        config: { type: 'string' },
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
  if (!opts.server) {
    process.stderr.write(`error: required option '--server <url>' not specified\n\n${usage(prog)}`);
    return 1;
  }
  try {
    const config = loadAgentConfig(opts.config);
    const log = consoleLogger(config.logLevel, config.logFormat);
    const daemon = new AgentDaemon({
      url: opts.server,
      ...(opts.token && { token: opts.token }),
      config,
      log,
    });
    const stop = (signal: string) => {
      log.info('stopping', { signal });
      daemon.stop();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    await daemon.run();
    log.info('stopped');
    return daemon.refused ? EXIT_REFUSED : 0;
  } catch (err) {
    process.stderr.write(`${prog}: ${(err as Error).message}\n`);
    return 1;
  }
}
