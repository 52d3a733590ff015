// `netspotter server`: runs the product until Ctrl-C, then shuts down cleanly.
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, type Config } from '../config/config.ts';

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be 0-65535');
  return n;
};

export function serverCommand(): Command {
  return new Command('server')
    .description('run the Netspotter server (HTTP API, GUI, scheduler)')
    .option('--port <port>', 'HTTP port (overrides PORT)', port)
    .option('--host <host>', 'address to listen on (overrides HOST)')
    .option('--data-dir <dir>', 'data folder (overrides NETSPOTTER_DATA_DIR)')
    .action(async (opts: { port?: number; host?: string; dataDir?: string }) => {
      const overrides: Partial<Config> = {
        ...(opts.port !== undefined && { port: opts.port }),
        ...(opts.host && { host: opts.host }),
        ...(opts.dataDir && { dataDir: opts.dataDir }),
      };
      const config = loadConfig(process.env, overrides);
      const { createLogger } = await import('../logging.ts');
      const { createServer } = await import('../server.ts');
      const logger = createLogger(config.logLevel);
      const server = await createServer(config, logger);
      if (server.firstAdmin?.password) {
        // Shown once, on the terminal only: it is never logged or stored in clear.
        process.stderr.write(
          `\n  First start: created admin user "${server.firstAdmin.username}" with password: ${server.firstAdmin.password}\n` +
            `  Change it after logging in (POST /api/auth/password) or with: netspotter user passwd admin\n\n`,
        );
      }
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) {
          logger.warn('second signal: exiting now');
          process.exit(1);
        }
        stopping = true;
        logger.info({ signal }, 'shutting down');
        await server.close();
        logger.info('stopped');
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
      const address = await server.app.listen({ port: config.port, host: config.host });
      const shown = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
      logger.info({ address, database: server.ctx.db.kind, dataDir: config.dataDir }, 'Netspotter is listening');
      process.stderr.write(`Netspotter is running at ${shown} — API docs at ${shown}/docs (OpenAPI JSON at ${shown}/docs/json)\n`);
    });
}
