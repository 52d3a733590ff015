// Which multicast groups a test task exercises: a load or convergence task's group; a sequence's joined and left
// groups and the IPv6 destinations its messages carry. Pure, for the multicast overlay.
import type { Message } from '@netspotter/shared';
import type { SequenceDefinition } from '../sequences/document.ts';
import { bareAddress } from './graph.ts';

function destinations(msg: Message, out: string[]): void {
  const v = msg.values ?? {};
  if (msg.template === 'ipv6' && typeof v.dst === 'string') out.push(v.dst);
  const body = v.body;
  if (body && typeof body === 'object' && 'template' in body) destinations(body as Message, out);
}

export function testedGroups(kind: string, args: unknown, definition?: SequenceDefinition): string[] {
  const groups: string[] = [];
  if (kind === 'load' || kind === 'convergence') {
    const g = (args as { group?: unknown } | null)?.group;
    if (typeof g === 'string') groups.push(g);
  } else if (kind === 'sequence' && definition) {
    for (const s of definition.steps) {
      if (s.op === 'join' || s.op === 'leave') groups.push(s.group);
      else if ('message' in s) destinations(s.message, groups);
    }
  }
  // Only multicast destinations (ff00::/8) are groups; unicast sends are not.
  return [...new Set(groups.map(bareAddress).filter((g) => g.startsWith('ff')))];
}

/** Whether a test of these groups belongs on the overlay of `wanted` (every test when none is chosen). */
export const testsGroup = (groups: string[], wanted: string): boolean =>
  wanted.trim() === '' ? groups.length > 0 : groups.includes(bareAddress(wanted.trim()));
