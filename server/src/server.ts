// Start-up and shutdown of the server process: database, migrations, first admin, the job engine, and by
// role the HTTP app and the schedules (api), the job takers (worker), or all of them (the default).
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import type { AppContext } from './context.ts';
import type { App } from './http/app-type.ts';
import { openDatabase, privateDataDir } from './db/connect.ts';
import { migrate } from './db/migrator.ts';
import { SecretBox, loadSecretKey } from './security/secret-box.ts';
import { TaskRunner, INTERRUPTED_MESSAGE } from './tasks/runner.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { JobEngine } from './jobs/engine.ts';
import { Executor } from './jobs/executor.ts';
import { RunCancelled, Worker, queuesOf } from './jobs/worker.ts';
import { deviceJobKind } from './discovery/jobs/device.ts';
import { roundJobKind } from './discovery/jobs/round.ts';
import { ensureFirstAdmin } from './services/users.ts';
import { buildApp } from './app.ts';
import { MonitorHub } from './monitors/hub.ts';
import { ReleaseCatalog } from './agents/releases.ts';
import { AlertEngine } from './alerts/engine.ts';
import { cellEvent, joinLatencyEvent } from './alerts/cell-events.ts';
import { EventWatchers } from './alerts/watchers.ts';
import { LocalisationPoller } from './alerts/localisation-poller.ts';
import { resumeLocalisation } from './alerts/localisation-resume.ts';
import { startLocalisation } from './alerts/localisation-start.ts';
import { handlersSettled } from './http/handlers-in-flight.ts';

/** How often an idle worker looks for jobs sent by other processes (its own sends wake it at once). */
const JOB_POLL_MS = 500;

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
    const engine = new JobEngine(db, logger);
    const runner = new TaskRunner(db, secrets, logger, engine);
    const executor = new Executor(db);
    const work = { db, engine, secrets, executor };
    const kinds = [
      runner.kind(executor, config.runConcurrency),
      Scheduler.fireKind(db, runner),
      deviceJobKind(work, config.pollConcurrency),
      roundJobKind(work),
    ];
    await engine.start(queuesOf(kinds));
    const worker =
      config.role === 'api' ? undefined : new Worker(db, engine, executor, logger, kinds, JOB_POLL_MS);
    runner.onCancel((runId) => worker?.abortRun(runId, new RunCancelled('cancelled by user')));
    const scheduler = new Scheduler(db, engine, logger);
    const monitors = new MonitorHub(db, secrets, config, logger);
    const releases = new ReleaseCatalog(db, config.agentArtifactsDir, (r) =>
      logger.warn({ file: r.file, reason: r.reason }, 'agent release not registered'),
    );
    // The watchers know the newest snapshot's trees; the engine asks them (suppression, incidents).
    const alerts: AlertEngine = new AlertEngine(db, secrets, config, logger, {
      upstreamOf: (e) => watchers.upstreamOf(e),
      treesOf: (e) => watchers.treesOf(e),
    });
    const watchers: EventWatchers = new EventWatchers(db, alerts, logger, monitors);
    const localiser = new LocalisationPoller(db, logger, {
      periodMs: config.localisationPeriodMs,
      maxDevices: config.localisationMaxDevices,
      requestsPerSecond: config.localisationRequestsPerSecond,
    });
    const localising = {
      db,
      secrets,
      watchers,
      poller: localiser,
      maxDevices: config.localisationMaxDevices,
    };
    alerts.onFire(
      (alert, e) =>
        void startLocalisation(localising, alert, e).catch((err: unknown) =>
          logger.warn({ alert: alert.id, err }, 'localisation did not start'),
        ),
    );
    monitors.onChanges((changes) => {
      const events = changes.map((c) => cellEvent(monitors.catalog.monitors.get(c.monitorId), c));
      // A failure is logged by the engine.
      void alerts.record(events).catch(() => undefined);
      void watchers
        .checkServed(events.flatMap((e) => (e.flow ? [e.flow] : [])))
        .catch((err: unknown) => logger.warn({ err }, 'receiver-not-served check failed'));
    });
    monitors.onSlowJoins(
      (slow) =>
        void alerts
          .record(slow.map((j) => joinLatencyEvent(monitors.catalog.monitors.get(j.monitorId), j)))
          .catch(() => undefined),
    );
    const ctx: AppContext = {
      config,
      db,
      secrets,
      runner,
      scheduler,
      executor,
      releases,
      monitors,
      alerts,
      alertWatchers: watchers,
      localiser,
    };
    const app = await buildApp(ctx, logger);
    if (config.role !== 'worker') await scheduler.start();
    await worker?.start();
    if (config.role !== 'worker') {
      await alerts.start();
      await watchers.start();
      await monitors.start();
      void resumeLocalisation(localising).catch((err: unknown) =>
        logger.warn({ err }, 'localisation of firing alerts did not resume'),
      );
    }
    let closed: Promise<void> | undefined;
    return {
      app,
      ctx,
      ...(firstAdmin && { firstAdmin }),
      close: () =>
        (closed ??= (async () => {
          await app.close(); // no new requests; the connections of those in flight end
          // A handler whose client went away still runs, and may still need the database.
          const unfinished = await handlersSettled(app, 10_000);
          if (unfinished) logger.warn({ unfinished }, 'closing with request handlers still running');
          await monitors.stop();
          await watchers.stop();
          await localiser.stop();
          await alerts.stop();
          await scheduler.stop();
          // Runs in progress here fail as interrupted; devices being polled go back to other workers.
          await worker?.stop(new Error(INTERRUPTED_MESSAGE));
          await engine.stop();
          await db.close();
        })()),
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
