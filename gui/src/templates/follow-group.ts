// An Ethernet destination that follows the multicast group in the IP header inside it: when the
// user changes an IPv6 or IPv4 destination to a group, the frame's destination MAC becomes that
// group's (33:33 + low 32 bits, RFC 2464; 01:00:5e + low 23 bits, RFC 1112) — unless the user typed
// a MAC of their own, one not derived from the previous group. Pure.
import { multicastMac, type Message } from '@netspotter/shared';
import { getValue, setValue } from './message-path.ts';

const isMessage = (x: unknown): x is Message => typeof x === 'object' && x !== null && 'template' in x;

const groupMac = (v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const first = v.trim().toLowerCase();
  const v4 = /^(\d+)\./.exec(first);
  if (v4 ? Number(v4[1]) < 224 || Number(v4[1]) > 239 : !first.startsWith('ff')) return undefined;
  try {
    return multicastMac(first);
  } catch {
    return undefined;
  }
};

/** The message at a path of `body` steps ('' is the root). */
const messageAt = (root: Message, path: string): Message | undefined => {
  const v = path ? getValue(root, path) : root;
  return isMessage(v) ? v : undefined;
};

/**
 * After `path` (an IP header's `dst`) changed from `before`: sets the enclosing Ethernet frame's `dst`
 * to the new group's MAC when it was unset, the template default or the old group's MAC. Returns the
 * path of the Ethernet `dst` it set, if it did.
 */
export function followGroup(
  root: Message,
  path: string,
  before: unknown,
  ethernetDefault: string,
): string | undefined {
  const steps = path.split('.');
  if (steps.at(-1) !== 'dst' || steps.length < 2) return undefined;
  const ipPath = steps.slice(0, -1).join('.');
  const ip = messageAt(root, ipPath);
  if (!ip || (ip.template !== 'ipv6' && ip.template !== 'ipv4')) return undefined;
  // The Ethernet frame is the IP packet's parent, or its grandparent across an 802.1Q tag.
  for (let up = steps.length - 2; up >= 0 && up >= steps.length - 3; up--) {
    const framePath = steps.slice(0, up).join('.');
    const frame = messageAt(root, framePath);
    if (frame?.template === 'vlan') continue;
    if (frame?.template !== 'ethernet') return undefined;
    const next = groupMac(getValue(root, path));
    if (!next) return undefined;
    const macPath = framePath ? `${framePath}.dst` : 'dst';
    const current = getValue(root, macPath);
    const old = groupMac(before);
    const mine =
      current !== undefined && current !== ethernetDefault && String(current).toLowerCase() !== old;
    if (mine || String(current ?? '').toLowerCase() === next) return undefined;
    setValue(root, macPath, next);
    return macPath;
  }
  return undefined;
}
