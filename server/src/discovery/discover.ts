// The discovery run: poll targets with bounded concurrency (optionally following neighbours), then build
// the topology. Same code path for the CLI and the server task.
import { pollDevice, type PollSettings } from '@netspotter/shared/snmp/collect-device';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { inRanges, neighbourAddresses } from './follow.ts';
import { mapBounded } from '@netspotter/shared/snmp/poller/pool';
import type { DiscoveryResult, TargetReport } from './result.ts';
import { targetLabel, type Credential, type Target } from '@netspotter/shared/snmp/target';
import { buildTopology } from './topology/build.ts';
import { credentialSecrets, Redactor } from '@netspotter/shared/snmp/redact';

export interface DiscoverOptions {
  targets: Target[];
  /** Devices polled at once (default 64). */
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  /** Varbinds per GETBULK, shared by the columns walked together (default 48). */
  bulkBudget?: number;
  /** Rows kept per column before a walk is cut short (default 100 000). */
  maxRows?: number;
  /** Wall-clock budget per device (default 5 min): a huge or crawling agent cannot hold the run. */
  deviceBudgetMs?: number;
  /** Per-VLAN BRIDGE-MIB instances walked per device at most (default 64), for VLANs with ports. */
  vlanBudget?: number;
  follow?: { depth: number; ranges: string[]; credentials?: Credential[] };
  /** Keep the raw per-target facts in the result. */
  includeFacts?: boolean;
  /** Cancels the run: no new device is polled, requests in flight are dropped, discover() rejects. */
  signal?: AbortSignal;
}

export interface DiscoveryProgress {
  phase: 'poll' | 'build';
  done: number;
  total: number;
  target?: string;
  table?: string;
}

/**
 * Every text the run itself writes — why a target is unreachable, a table's issue, progress, the run's
 * error — passes through one redaction step that knows the run's credentials: a device can make the
 * poller's error texts quote them. What devices report about themselves is data and stays as it is
 * (a community may well equal a device's name).
 */
export async function discover(
  options: DiscoverOptions,
  onProgress: (p: DiscoveryProgress) => void = () => {},
): Promise<DiscoveryResult> {
  const redact = new Redactor(
    [...options.targets.map((t) => t.credential), ...(options.follow?.credentials ?? [])].flatMap(
      credentialSecrets,
    ),
  );
  try {
    const result = await discoverUnredacted(options, onProgress);
    // Reasons are the texts: targets are named by us, without credentials.
    for (const u of result.unreachable) u.reason = redact.text(u.reason);
    for (const f of result.facts ?? []) for (const i of f.issues) i.reason = redact.text(i.reason);
    for (const r of result.report) for (const i of r.issues) i.reason = redact.text(i.reason);
    return result;
  } catch (err) {
    throw options.signal?.aborted ? err : redact.error(err);
  }
}

async function discoverUnredacted(
  options: DiscoverOptions,
  onProgress: (p: DiscoveryProgress) => void,
): Promise<DiscoveryResult> {
  const startedAt = new Date().toISOString();
  const settings: PollSettings = {
    timeoutMs: options.timeoutMs ?? 2000,
    retries: options.retries ?? 1,
    bulkBudget: options.bulkBudget ?? 48,
    maxRows: options.maxRows ?? 100_000,
    deviceBudgetMs: options.deviceBudgetMs ?? 300_000,
    vlanBudget: options.vlanBudget ?? 64,
  };
  const facts: DeviceFacts[] = [];
  const report: TargetReport[] = [];
  const unreachable: DiscoveryResult['unreachable'] = [];
  const seen = new Set<string>();
  let round = options.targets;
  let total = 0;
  let done = 0;
  for (let depth = 0; round.length > 0; depth++) {
    round = round.filter((t) => {
      const key = `${targetLabel(t)}|${JSON.stringify(t.credential)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    total += round.length;
    const polled = await mapBounded(
      round,
      options.concurrency ?? 64,
      async (t) => {
        const label = targetLabel(t);
        const started = Date.now();
        const outcome = await pollDevice(
          t,
          settings,
          (table) => onProgress({ phase: 'poll', done, total, target: label, table }),
          options.signal,
        );
        done++;
        onProgress({ phase: 'poll', done, total, target: label });
        return { outcome, ms: Date.now() - started };
      },
      options.signal,
    );
    const reached: DeviceFacts[] = [];
    // Follow-up candidates that never answer stay in the report but not in `unreachable` (the user's targets).
    for (const { outcome, ms } of polled) {
      if (outcome.ok) {
        reached.push(outcome.facts);
        const f = outcome.facts;
        report.push({
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
        });
      } else {
        if (depth === 0) unreachable.push({ target: outcome.target, reason: outcome.reason });
        report.push({ target: outcome.target, status: outcome.kind, issues: [], ms });
      }
    }
    facts.push(...reached);
    round = depth < (options.follow?.depth ?? 0) ? nextRound(facts, reached, options) : [];
  }
  onProgress({ phase: 'build', done, total });
  const topology = buildTopology(facts);
  for (const r of report)
    if (topology.deviceOfTarget[r.target]) r.device = topology.deviceOfTarget[r.target]!;
  const { deviceOfTarget: _, ...rest } = topology;
  const result: DiscoveryResult = {
    startedAt,
    finishedAt: new Date().toISOString(),
    ...rest,
    unreachable,
    report,
  };
  if (options.includeFacts) result.facts = facts;
  return result;
}

function nextRound(all: DeviceFacts[], reached: DeviceFacts[], options: DiscoverOptions): Target[] {
  const follow = options.follow!;
  const known = new Set(all.flatMap((f) => f.addresses.map((a) => a.address)));
  for (const t of options.targets) known.add(t.address);
  const credentials = follow.credentials ?? [
    ...new Map(options.targets.map((t) => [JSON.stringify(t.credential), t.credential])).values(),
  ];
  return neighbourAddresses(reached)
    .filter((a) => !known.has(a) && inRanges(a, follow.ranges))
    .flatMap((address) => credentials.map((credential) => ({ address, credential })));
}
