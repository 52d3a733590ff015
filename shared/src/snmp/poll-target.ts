// One target polled into what a discovery run keeps of it: its report line, its facts when it answered, or
// why it did not. A server worker and a remote poller (an agent of the target's site) both poll this way.
import type { DeviceFacts, FdbPortReport } from './facts.ts';
import { pollDevice, type PollSettings } from './collect-device.ts';
import type { FailureKind } from './poller/walker.ts';
import type { Target } from './target.ts';

/** A target's line in a run's report. */
export interface TargetReport {
  target: string;
  /** ok, partial (answered, some tables failed), or the failure kind. */
  status: 'ok' | 'partial' | FailureKind;
  device?: string;
  issues: { table: string; reason: string }[];
  requests?: number;
  /** Varbinds the device returned: the work it did for this run. */
  varbinds?: number;
  /** FDB rows: kept (bridge port mapped), resolved by a vendor rule, dropped with the reason. */
  fdb?: FdbPortReport;
  ms: number;
  /** Who polled it: "server" (a server worker) or the name of the agent that polled it for its site. */
  poller?: string;
}

/** One polled target: its report line, its facts when it answered, or why it did not. */
export interface PolledTarget {
  report: TargetReport;
  facts?: DeviceFacts;
  unreachable?: { target: string; reason: string };
}

export async function pollTarget(
  t: Target,
  settings: PollSettings,
  onTable: (table: string) => void,
  signal?: AbortSignal,
): Promise<PolledTarget> {
  const started = Date.now();
  const outcome = await pollDevice(t, settings, onTable, signal);
  const ms = Date.now() - started;
  if (!outcome.ok)
    return {
      report: { target: outcome.target, status: outcome.kind, issues: [], ms },
      unreachable: { target: outcome.target, reason: outcome.reason },
    };
  const f = outcome.facts;
  return {
    facts: f,
    report: {
      target: f.target,
      // Data is missing when a table failed, stopped early or hit the row cap.
      status: f.issues.some((i) => /^(failed|partial|truncated|non-increasing)/.test(i.reason))
        ? 'partial'
        : 'ok',
      issues: f.issues,
      requests: outcome.requests,
      varbinds: outcome.varbinds,
      ...(f.bridge.fdb.length > 0 && f.bridge.fdbPorts && { fdb: f.bridge.fdbPorts }),
      ms,
    },
  };
}
