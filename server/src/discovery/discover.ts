// The discovery run: poll targets with bounded concurrency (optionally following neighbours), then build
// the topology. The CLI runs it in one process; the discovery task runs the same steps as jobs, one per
// device, on any number of workers (discovery/jobs/): polling a target, choosing a follow's next round and
// assembling the result are the functions below, shared by both.
import type { PollSettings } from '@netspotter/shared/snmp/collect-device';
import { pollTarget, type TargetReport } from '@netspotter/shared/snmp/poll-target';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { mapBounded } from '@netspotter/shared/snmp/poller/pool';
import { targetLabel, type Credential, type Target } from '@netspotter/shared/snmp/target';
import { credentialSecrets, Redactor } from '@netspotter/shared/snmp/redact';
import { inRanges, neighbourAddresses } from './follow.ts';
import type { DiscoveryResult } from './result.ts';
import { buildTopology } from './topology/build.ts';

export interface PollOptions {
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
}

export interface DiscoverOptions extends PollOptions {
  targets: Target[];
  /** Devices polled at once (default 64). */
  concurrency?: number;
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

export const pollSettings = (o: PollOptions): PollSettings => ({
  timeoutMs: o.timeoutMs ?? 2000,
  retries: o.retries ?? 1,
  bulkBudget: o.bulkBudget ?? 48,
  maxRows: o.maxRows ?? 100_000,
  deviceBudgetMs: o.deviceBudgetMs ?? 300_000,
  vlanBudget: o.vlanBudget ?? 64,
});

/**
 * A follow's next round: neighbours the devices reached in the last round name, inside the allowed
 * ranges, that no device found so far (nor a target of the run) owns, each with every follow credential.
 */
export function nextRound<C>(
  all: DeviceFacts[],
  reached: DeviceFacts[],
  targetAddresses: string[],
  ranges: string[],
  credentials: C[],
): { address: string; credential: C }[] {
  const known = new Set(all.flatMap((f) => f.addresses.map((a) => a.address)));
  for (const a of targetAddresses) known.add(a);
  return neighbourAddresses(reached)
    .filter((a) => !known.has(a) && inRanges(a, ranges))
    .flatMap((address) => credentials.map((credential) => ({ address, credential })));
}

/**
 * A follow's next round for devices that belong to sites: each neighbour goes with the site of the device
 * that named it, since a neighbour seen from a remote site is as far from the server as that device, and
 * the site's pollers reach it. A neighbour named from several sites goes to the first in poll order.
 */
export function nextRoundBySite<C>(
  all: DeviceFacts[],
  reached: { facts: DeviceFacts; site: string | null }[],
  targetAddresses: string[],
  ranges: string[],
  credentials: C[],
): { address: string; credential: C; site: string | null }[] {
  const out: { address: string; credential: C; site: string | null }[] = [];
  const claimed = new Set<string>();
  for (const site of new Set(reached.map((r) => r.site))) {
    const named = reached.filter((r) => r.site === site).map((r) => r.facts);
    const here = nextRound(all, named, targetAddresses, ranges, credentials).filter(
      (n) => !claimed.has(n.address),
    );
    for (const n of here) out.push({ ...n, site });
    for (const n of here) claimed.add(n.address);
  }
  return out;
}

/** The result of a run from what its polls gave, in poll order: the topology built, targets mapped to devices. */
export function assemble(
  startedAt: string,
  facts: DeviceFacts[],
  report: TargetReport[],
  unreachable: DiscoveryResult['unreachable'],
  includeFacts: boolean,
): DiscoveryResult {
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
  if (includeFacts) result.facts = facts;
  return result;
}

/**
 * Every text the run itself writes — why a target is unreachable, a table's issue — passes through one
 * redaction step that knows the run's credentials: a device can make the poller's error texts quote them.
 * What devices report about themselves is data and stays as it is (a community may well equal a device's
 * name).
 */
export function redactResult(result: DiscoveryResult, redact: Redactor): DiscoveryResult {
  // Reasons are the texts: targets are named by us, without credentials.
  for (const u of result.unreachable) u.reason = redact.text(u.reason);
  for (const f of result.facts ?? []) for (const i of f.issues) i.reason = redact.text(i.reason);
  for (const r of result.report) for (const i of r.issues) i.reason = redact.text(i.reason);
  return result;
}

/** Discovery in this process (the CLI); progress, errors and texts as the task's. */
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
    return redactResult(await discoverUnredacted(options, onProgress), redact);
  } catch (err) {
    throw options.signal?.aborted ? err : redact.error(err);
  }
}

async function discoverUnredacted(
  options: DiscoverOptions,
  onProgress: (p: DiscoveryProgress) => void,
): Promise<DiscoveryResult> {
  const startedAt = new Date().toISOString();
  const settings = pollSettings(options);
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
        const p = await pollTarget(
          t,
          settings,
          (table) => onProgress({ phase: 'poll', done, total, target: label, table }),
          options.signal,
        );
        done++;
        onProgress({ phase: 'poll', done, total, target: label });
        return p;
      },
      options.signal,
    );
    const reached: DeviceFacts[] = [];
    for (const p of polled) {
      if (p.facts) reached.push(p.facts);
      // Follow-up candidates that never answer stay in the report but not in `unreachable` (the user's targets).
      else if (depth === 0 && p.unreachable) unreachable.push(p.unreachable);
      report.push(p.report);
    }
    facts.push(...reached);
    round = depth < (options.follow?.depth ?? 0) ? followRound(facts, reached, options) : [];
  }
  onProgress({ phase: 'build', done, total });
  return assemble(startedAt, facts, report, unreachable, options.includeFacts ?? false);
}

function followRound(all: DeviceFacts[], reached: DeviceFacts[], options: DiscoverOptions): Target[] {
  const follow = options.follow!;
  const credentials = follow.credentials ?? [
    ...new Map(options.targets.map((t) => [JSON.stringify(t.credential), t.credential])).values(),
  ];
  return nextRound(
    all,
    reached,
    options.targets.map((t) => t.address),
    follow.ranges,
    credentials,
  );
}
