// What route handlers and background services share, built once at start-up.
import type { Config } from './config/config.ts';
import type { Database } from './db/connect.ts';
import type { SecretBox } from './security/secret-box.ts';
import type { TaskRunner } from './tasks/runner.ts';
import type { Scheduler } from './scheduler/scheduler.ts';
import type { MonitorHub } from './monitors/hub.ts';
import type { Executor } from './jobs/executor.ts';
import type { ReleaseCatalog } from './agents/releases.ts';
import type { AlertEngine } from './alerts/engine.ts';
import type { EventWatchers } from './alerts/watchers.ts';
import type { LocalisationPoller } from './alerts/localisation-poller.ts';

export interface AppContext {
  config: Config;
  db: Database;
  secrets: SecretBox;
  runner: TaskRunner;
  scheduler: Scheduler;
  monitors: MonitorHub;
  /** This process as a job executor (its label says who polled a device). */
  executor: Executor;
  /** The agent releases handed out to hosts (install script, downloads, updates). */
  releases: ReleaseCatalog;
  /** Events in, alerts and notifications out. */
  alerts: AlertEngine;
  /** Events from agents' liveness and new snapshots; the newest snapshot's trees for alerts. */
  alertWatchers: EventWatchers;
  /** Per-hop localisation of firing cell alerts. */
  localiser: LocalisationPoller;
}
