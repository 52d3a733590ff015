// VLANs on the L2 topology: how each link end carries them (access VLAN, or native + tagged ones), the VLANs
// both ends carry, and what does not match: frames untagged at one end landing in another VLAN at the other
// (native VLAN mismatch), or a VLAN only one end carries.
import type { DeviceFacts, PortVlans } from '@netspotter/shared/snmp/facts';
import type { Link, LinkEnd, PortVlanView } from '../result.ts';
import type { Device } from './identity.ts';

/** An access port carries one untagged VLAN; a trunk tagged VLANs and, perhaps, a native (untagged) one. */
export function portVlanView(p: PortVlans): PortVlanView {
  const untagged = p.pvid !== undefined && p.untagged.includes(p.pvid) ? p.pvid : p.untagged[0];
  if (p.tagged.length === 0) return untagged !== undefined ? { access: untagged } : {};
  return { ...(untagged !== undefined && { native: untagged }), tagged: p.tagged };
}

/** Every VLAN the port carries, tagged or not. */
export function carried(v: PortVlanView): number[] {
  const out = new Set(v.tagged ?? []);
  const untagged = v.access ?? v.native;
  if (untagged !== undefined) out.add(untagged);
  return [...out].sort((a, b) => a - b);
}

export function portVlanViews(f: DeviceFacts): Map<number, PortVlanView> {
  return new Map((f.vlans?.ports ?? []).map((p) => [p.ifIndex, portVlanView(p)]));
}

const isEmpty = (v: PortVlanView): boolean => carried(v).length === 0;

/**
 * Sets each L2 link end's `vlans` (its own port's, else its LAG members'), and on links whose two ends are
 * both known the VLANs they share and the mismatches as `issues`. Returns the same links.
 */
export function annotateVlans(devices: Device[], links: Link[]): Link[] {
  const views = new Map(devices.map((d) => [d.id, portVlanViews(d.facts)]));
  const name = (e: LinkEnd) => `${e.device} ${e.ifName ?? e.ifIndex}`;
  for (const l of links) {
    if (l.layer !== 'l2') continue;
    for (const side of ['a', 'b'] as const) {
      const e = l[side];
      const byPort = e.device ? views.get(e.device) : undefined;
      if (!byPort || byPort.size === 0) continue;
      const ports = [e.ifIndex, ...(l.members ?? []).map((m) => m[side].ifIndex)];
      const view = ports
        .map((p) => (p !== undefined ? byPort.get(p) : undefined))
        .find((v) => v && !isEmpty(v));
      if (view) e.vlans = view;
    }
    const [va, vb] = [l.a.vlans, l.b.vlans];
    if (!va || !vb) continue;
    const [ca, cb] = [carried(va), carried(vb)];
    l.vlans = ca.filter((v) => cb.includes(v));
    const issues: string[] = [];
    const [ua, ub] = [va.access ?? va.native, vb.access ?? vb.native];
    if (ua !== ub)
      issues.push(
        `native VLAN mismatch: ${ua === undefined ? 'none' : `VLAN ${ua}`} at ${name(l.a)}, ${ub === undefined ? 'none' : `VLAN ${ub}`} at ${name(l.b)}`,
      );
    const only = (mine: number[], theirs: number[], e: LinkEnd) => {
      const missing = mine.filter((v) => !theirs.includes(v) && v !== ua && v !== ub);
      if (missing.length > 0) issues.push(`VLAN ${missing.join(',')} only at ${name(e)}`);
    };
    only(ca, cb, l.a);
    only(cb, ca, l.b);
    if (issues.length > 0) l.issues = [...(l.issues ?? []), ...issues];
  }
  return links;
}
