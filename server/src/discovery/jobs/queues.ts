// A discovery run on the job engine: its queues and what its run row keeps (discovery_runs), read back
// checked.
import { Type, type Static } from 'typebox';
import type { Prisma } from '../../db/generated/client.ts';
import { readJson, toJson } from '../../db/json-column.ts';

/** One job per device, taken by server workers. */
export const DEVICE_QUEUE = 'discovery-device';
/** One job per follow round of a run, sent when its last device is in: the next round, or the snapshot. */
export const ROUND_QUEUE = 'discovery-round';

/** Slack beyond a device's own budget before the engine expires its poll: timeouts, retries, storing it. */
export const DEVICE_EXPIRY_SLACK_S = 60;

export const RunSettingsSchema = Type.Object({
  poll: Type.Object({
    timeoutMs: Type.Integer(),
    retries: Type.Integer(),
    deviceBudgetMs: Type.Integer(),
  }),
  /** Longest a device of a site waits for one of the site's pollers to lease it (absent: runs from before sites). */
  pollerWaitMs: Type.Optional(Type.Integer()),
  follow: Type.Optional(Type.Object({ depth: Type.Integer(), allow: Type.Array(Type.String()) })),
});
export type RunSettings = Static<typeof RunSettingsSchema>;

export const readSettings = (v: Prisma.JsonValue) =>
  readJson(RunSettingsSchema, v, 'discovery_runs.settings');
export const settingsJson = (s: RunSettings) => toJson(s);

export interface DeviceJob {
  runId: string;
  deviceId: string;
}

export interface RoundJob {
  runId: string;
  round: number;
}
