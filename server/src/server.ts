// Start-up and shutdown of the server process: database, migrations, first admin, scheduler, HTTP.
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import type { AppContext } from './context.ts';
import type { App } from './http/app-type.ts';
import { openDatabase, privateDataDir } from './db/connect.ts';
import { migrate } from './db/migrator.ts';
import { SecretBox, loadSecretKey } from './security/secret-box.ts';
import { TaskRunner } from './tasks/runner.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { ensureFirstAdmin } from './services/users.ts';
import { buildApp } from './app.ts';
import { MonitorHub } from './monitors/hub.ts';
import { ReleaseCatalog } from './agents/releases.ts';

export interface RunningServer {
  app: App;
  ctx: AppContext;
  /** The generated first-admin password, only on the very first start without a configured one. */
  firstAdmin?: { username: string; password?: string };
  close(): Promise<void>;
}

/** Everything but listening: used by `npm start` and by the API tests (through app.inject). */
export async function createServer(config: Config, logger: Logger): Promise<RunningServer> {
  privateDataDir(config.dataDir); // secrets key, certificate and the embedded database live there
  const db = await openDatabase(config);
  try {
    const report = await migrate(db.sql);
    if (report.applied.length) logger.info({ applied: report.applied }, 'database migrated');
    const secrets = new SecretBox(loadSecretKey(config.dataDir, config.secretKey));
    const firstAdmin = await ensureFirstAdmin(db, config.adminPassword);
    const runner = new TaskRunner(db, secrets, logger, config.runConcurrency);
    const scheduler = new Scheduler(db, runner, logger);
    const monitors = new MonitorHub(db, secrets, config, logger);
    const releases = new ReleaseCatalog(db, config.agentArtifactsDir, (r) =>
      logger.warn({ file: r.file, reason: r.reason }, 'agent release not registered'),
    );
    const ctx: AppContext = { config, db, secrets, runner, scheduler, releases, monitors };
    const app = await buildApp(ctx, logger);
    await scheduler.start();
    await monitors.start();
    let closed: Promise<void> | undefined;
    return {
      app,
      ctx,
      ...(firstAdmin && { firstAdmin }),
      close: () =>
        (closed ??= (async () => {
          await app.close(); // lets in-flight requests finish
          await monitors.stop();
          await scheduler.stop();
          await db.close();
        })()),
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
