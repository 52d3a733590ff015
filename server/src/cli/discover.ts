// `netspotter discover`: run a discovery from a target file without a server; same code path as the task.
import { Command, InvalidArgumentError } from 'commander';
import { readFile } from 'node:fs/promises';
import { AddressError, parseAddressOrRange } from '@netspotter/shared';
import { discover, type DiscoveryProgress } from '../discovery/discover.ts';
import type { DiscoveryResult, Link, TargetReport } from '../discovery/result.ts';
import { parseTargetFile } from '../discovery/target-file.ts';
import { nameRepeatedTargets } from '@netspotter/shared/snmp/target';

const count = (min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
  return n;
};

interface DiscoverFlags {
  targets: string;
  json?: boolean;
  follow: number;
  allow?: string;
  concurrency: number;
  timeout: number;
  retries: number;
  deviceBudget: number;
  vlanBudget: number;
  community: string;
}

export function discoverCommand(): Command {
  return new Command('discover')
    .description('discover devices and L2/L3/multicast topology over SNMP from a target file')
    .requiredOption(
      '--targets <file>',
      'lines "ADDRESS[:PORT] [COMMUNITY]" or "ADDRESS[:PORT] v3 USER AUTHPROTO AUTHKEY PRIVPROTO PRIVKEY"',
    )
    .option('--json', 'print the result as one JSON document on stdout')
    .option(
      '--follow <depth>',
      'also poll neighbours learned from LLDP/CDP/routes, this many hops out',
      count(0, 16),
      0,
    )
    .option(
      '--allow <ranges>',
      'comma-separated CIDR ranges neighbours must fall in to be followed (required with --follow)',
    )
    .option('--concurrency <n>', 'devices polled at once', count(1, 4096), 64)
    .option('--timeout <ms>', 'per-request timeout', count(100, 60_000), 2000)
    .option('--retries <n>', 'retries per request', count(0, 10), 1)
    .option(
      '--device-budget <s>',
      'seconds one device may take; later tables are skipped',
      count(1, 86_400),
      300,
    )
    .option(
      '--vlan-budget <n>',
      'per-VLAN BRIDGE-MIB instances (Cisco per-VLAN FDB and spanning tree) walked per device at most',
      count(0, 4094),
      64,
    )
    .option('--community <name>', 'community for lines without one', 'public')
    .action(async (flags: DiscoverFlags) => {
      const { targets, errors } = parseTargetFile(await readFile(flags.targets, 'utf8'), flags.community);
      for (const e of errors) console.error(`netspotter: ${flags.targets}:${e.line}: ${e.reason}`);
      const ranges = flags.allow?.split(',').map((r) => r.trim()) ?? [];
      const usage =
        targets.length === 0
          ? `no usable targets in ${flags.targets}`
          : flags.follow > 0 && !flags.allow
            ? '--follow needs --allow RANGES (where new targets may be)'
            : rangeProblem(ranges);
      if (usage) {
        console.error(`netspotter: ${usage}`);
        process.exitCode = 2;
        return;
      }
      nameRepeatedTargets(targets);
      const progress = progressPrinter(process.stderr);
      const result = await discover(
        {
          targets,
          concurrency: flags.concurrency,
          timeoutMs: flags.timeout,
          retries: flags.retries,
          deviceBudgetMs: flags.deviceBudget * 1000,
          vlanBudget: flags.vlanBudget,
          ...(flags.follow > 0 ? { follow: { depth: flags.follow, ranges } } : {}),
        },
        progress.update,
      );
      progress.finish();
      process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : summary(result));
    });
}

/**
 * The first allowed range that is no address or CIDR range, worded (the discovery task checks the same way).
 */
function rangeProblem(ranges: string[]): string | undefined {
  for (const r of ranges) {
    try {
      parseAddressOrRange(r);
    } catch (err) {
      if (err instanceof AddressError) return `--allow ${r}: ${err.message}`;
      throw err;
    }
  }
  return undefined;
}

/** A redrawn bar on a terminal; one line per finished target otherwise (logs, pipes). */
function progressPrinter(out: NodeJS.WriteStream): {
  update: (p: DiscoveryProgress) => void;
  finish: () => void;
} {
  const tty = out.isTTY === true;
  let last = 0;
  return {
    update: (p) => {
      if (tty) {
        const now = Date.now();
        if (now - last < 80 && p.done < p.total) return;
        last = now;
        const width = 30;
        const filled = p.total ? Math.round((p.done / p.total) * width) : 0;
        const what = p.phase === 'build' ? 'building topology' : `${p.target ?? ''} ${p.table ?? ''}`;
        out.write(
          `\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} ${what.slice(0, 60)}`,
        );
      } else if (p.phase === 'build' || p.table === undefined) {
        out.write(
          p.phase === 'build'
            ? `discover: ${p.done}/${p.total} polled, building topology\n`
            : `discover: ${p.done}/${p.total} ${p.target}\n`,
        );
      }
    },
    finish: () => {
      if (tty) out.write('\r\x1b[K');
    },
  };
}

const port = (p: { ifName?: string; ifIndex?: number; port?: string }) =>
  p.ifName ?? p.port ?? p.ifIndex ?? '?';

/** A LAG's physical links, port pairs as "a=b", after the aggregate's own ends. */
function lagMembers(l: Link): string {
  if (!l.members) return '';
  return ` LAG x${l.members.length}: ${l.members.map((m) => `${port(m.a)}=${port(m.b)}`).join(' ')}`;
}

/** Where spanning tree blocks the link: it carries no traffic, multicast included. */
function stpBlocked(l: Link): string {
  const vlans = l.blockedVlans ? ` blocked by STP for VLAN ${l.blockedVlans.join(',')}` : '';
  if (!l.blocked) return vlans;
  const ends = [l.a, l.b].filter((e) => e.stp === 'blocking');
  return ` BLOCKED by STP at ${ends.map((e) => `${e.device ?? e.unmanaged ?? '?'} ${port(e)}`).join(', ')}${vlans}`;
}

/** The VLANs both ends carry, and what does not match. */
function vlanInfo(l: Link): string {
  const vlans = l.vlans ? ` VLANs ${l.vlans.join(',') || 'none in common'}` : '';
  return vlans + (l.issues ?? []).map((i) => ` ISSUE ${i}`).join('');
}

/** FDB rows of a target: kept, resolved by a vendor rule, dropped; with each rule and reason. */
function fdbLine(t: TargetReport): string[] {
  if (!t.fdb) return [];
  const list = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([why, n]) => `${n} ${why}`)
      .join('; ');
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  const resolved = sum(t.fdb.resolved);
  const dropped = sum(t.fdb.dropped);
  return [
    `fdb ${t.device ?? t.target}: ${t.fdb.kept} kept, ${resolved} resolved${resolved ? ` (${list(t.fdb.resolved)})` : ''}, ${dropped} dropped${dropped ? ` (${list(t.fdb.dropped)})` : ''}`,
  ];
}

function summary(r: DiscoveryResult): string {
  const lines = [
    `${r.devices.length} devices, ${r.links.length} links, ${r.hosts.length} hosts, ${r.unreachable.length} unreachable`,
  ];
  for (const d of r.devices)
    lines.push(`device ${d.id} ${d.vendor ?? ''} ${d.addresses.slice(0, 3).join(' ')}`.trimEnd());
  for (const l of r.links) {
    const b = l.b.device ?? l.b.unmanaged ?? l.b.segment ?? '?';
    lines.push(
      `${l.layer} ${l.a.device} ${l.a.ifName ?? l.a.ifIndex ?? ''} -- ${b} ${l.b.ifName ?? l.b.port ?? ''} [${l.evidence.join(',')}${l.via ? ` via ${l.via.join(',')}` : ''}${l.confirmed ? ', confirmed' : ''}]${lagMembers(l)}${stpBlocked(l)}${vlanInfo(l)}`,
    );
  }
  lines.push(...r.report.flatMap(fdbLine));
  for (const s of r.multicast.snooping ?? [])
    lines.push(
      `snooping ${s.device} VLAN ${s.vlan}: ${s.enabled ? 'on' : 'off'}, querier ${s.selfQuerier ? 'this switch' : (s.querier ?? 'none')}${s.routerPorts.length ? `, router ports ${s.routerPorts.map(port).join(' ')}` : ''}`,
    );
  for (const u of r.unreachable) lines.push(`unreachable ${u.target}: ${u.reason}`);
  return lines.join('\n') + '\n';
}
