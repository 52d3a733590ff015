// `netspotter agent --server URL --token TOKEN [--config FILE]`: runs the agent daemon in the
// foreground (systemd-friendly: JSON logs on stdout when piped, readable lines on a terminal; clean stop on SIGTERM/SIGINT).
import { Command } from 'commander';

export function agentCommand(): Command {
  return new Command('agent')
    .description('run a Netspotter agent: enrol (once, with --token), heartbeat, lease and run test jobs')
    .requiredOption('--server <url>', 'server URL, e.g. https://netspotter.example:8080')
    .option('--token <token>', 'one-time enrolment token (needed on first start only)')
    .option('--config <file>', 'agent config (JSON): name, stateDir, policy')
    .action(async (opts: { server: string; token?: string; config?: string }) => {
      const { AgentDaemon, consoleLogger, loadAgentConfig } = await import('@netspotter/agent');
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
    });
}
