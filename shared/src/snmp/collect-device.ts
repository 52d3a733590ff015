// Polls one target: the system probe first (reachability), then every collector; failures per table are
// kept as issues so a partial device still yields facts.
import { collectAddresses } from './collectors/addresses.ts';
import { collectBridge, collectBridgePorts } from './collectors/bridge.ts';
import { collectCdp } from './collectors/cdp.ts';
import { collectInterfaces } from './collectors/interfaces.ts';
import { collectListeners } from './collectors/listeners.ts';
import { collectLldp } from './collectors/lldp.ts';
import { collectMulticastRoutes } from './collectors/mroutes.ts';
import { collectNeighbors } from './collectors/neighbors.ts';
import { collectPimNeighbors } from './collectors/pim.ts';
import { collectRoutes } from './collectors/routes.ts';
import { collectStack } from './collectors/stack.ts';
import { collectStp } from './collectors/stp.ts';
import { collectSystem } from './collectors/system.ts';
import { collectVlans } from './collectors/vlans.ts';
import type { DeviceFacts } from './facts.ts';
import { openSession, type SessionSettings } from './poller/session.ts';
import { classify, Walker, type FailureKind } from './poller/walker.ts';
import { querierIssues } from './snooping-issues.ts';
import { targetLabel, type Target } from './target.ts';
import { quirksFor } from './vendors/index.ts';

export interface PollSettings extends SessionSettings {
  bulkBudget: number;
  maxRows: number;
  /** Wall-clock time one device may take; the tables not walked by then are reported as skipped. */
  deviceBudgetMs: number;
  /** Most per-VLAN BRIDGE-MIB instances (Cisco per-VLAN FDB and spanning tree) walked on one device. */
  vlanBudget: number;
}

export type PollOutcome =
  | { ok: true; facts: DeviceFacts; requests: number; varbinds: number }
  | { ok: false; target: string; kind: FailureKind; reason: string };

export async function pollDevice(
  target: Target,
  settings: PollSettings,
  onTable: (table: string) => void,
  signal?: AbortSignal,
): Promise<PollOutcome> {
  const label = targetLabel(target);
  const walkerSettings = {
    bulkBudget: target.credential.version === 'v1' ? 0 : settings.bulkBudget,
    maxRows: settings.maxRows,
    deadline: Date.now() + settings.deviceBudgetMs,
  };
  const w = new Walker(openSession(target, settings), walkerSettings, onTable, signal);
  try {
    onTable('system');
    let system;
    try {
      system = await collectSystem(w);
    } catch (error) {
      signal?.throwIfAborted();
      const failure = classify(error as Error);
      return {
        ok: false,
        target: label,
        kind: failure.kind,
        reason: describeFailure(failure.kind, failure.message),
      };
    }
    const quirks = quirksFor(system.sysObjectID);
    const interfaces = await collectInterfaces(w);
    const stack = await collectStack(w);
    const addresses = await collectAddresses(w);
    const neighbors = await collectNeighbors(w);
    const portIfIndex = await collectBridgePorts(w, quirks);
    const vlans = await collectVlans(w, { portIfIndex, interfaces, quirks });
    const { bridge, vlanStp } = await collectBridge(w, portIfIndex, {
      interfaces,
      quirks,
      ...(vlans && { vlans }),
      // A VLAN instance that does not exist never answers: probe it without retries.
      openVlan: (vlan) =>
        new Walker(openSession(target, { ...settings, retries: 0 }, vlan), walkerSettings, onTable, signal),
      vlanBudget: settings.vlanBudget,
    });
    const snooped = await quirks.snooping?.(w, {
      interfaces,
      portIfIndex: bridge.portIfIndex,
      ...(vlans && { vlans }),
    });
    if (snooped) w.issues.push(...querierIssues(snooped.snooping));
    const facts: DeviceFacts = {
      target: label,
      system,
      interfaces,
      stack,
      addresses,
      neighbors,
      bridge,
      ...(vlans && { vlans }),
      stp: await collectStp(w, bridge.portIfIndex, vlanStp),
      lldp: await collectLldp(w, interfaces, quirks),
      cdp: await collectCdp(w),
      routes: await collectRoutes(w),
      multicast: {
        listeners: [...(await collectListeners(w)), ...(snooped?.listeners ?? [])],
        routes: await collectMulticastRoutes(w),
        pimNeighbors: await collectPimNeighbors(w),
        ...(snooped && { snooping: snooped.snooping }),
      },
      issues: w.issues,
    };
    return { ok: true, facts, requests: w.requests, varbinds: w.varbinds };
  } finally {
    w.close();
  }
}

function describeFailure(kind: FailureKind, message: string): string {
  if (kind === 'timeout')
    return 'timeout: no SNMP response (host down, no agent, or community/credentials refused)';
  return message;
}
