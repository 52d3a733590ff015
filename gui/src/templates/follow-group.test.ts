import { describe, expect, it } from 'vitest';
import type { Message } from '@netspotter/shared';
import { followGroup } from './follow-group.ts';

const frame = (dst: string | undefined, group: string): Message => ({
  template: 'ethernet',
  values: { ...(dst !== undefined && { dst }), body: { template: 'ipv6', values: { dst: group } } },
});
const setGroup = (m: Message, group: string) => {
  const ip = m.values!.body as Message;
  const before = ip.values!.dst;
  ip.values!.dst = group;
  return followGroup(m, 'body.dst', before, '33:33:00:00:00:01');
};

describe('followGroup', () => {
  it('moves the destination MAC with the group when it was the old group’s, the default or unset', () => {
    const m = frame('33:33:00:00:12:34', 'ff3e::1234');
    expect(setGroup(m, 'ff3e::abcd:1')).toBe('dst');
    expect(m.values!.dst).toBe('33:33:ab:cd:00:01');
    const unset = frame(undefined, 'ff3e::1');
    setGroup(unset, 'ff0e::42');
    expect(unset.values!.dst).toBe('33:33:00:00:00:42');
  });

  it('keeps a MAC the user chose, and leaves unicast destinations alone', () => {
    const mine = frame('02:00:00:00:00:99', 'ff3e::1234');
    expect(setGroup(mine, 'ff3e::1')).toBeUndefined();
    expect(mine.values!.dst).toBe('02:00:00:00:00:99');
    const uni = frame('33:33:00:00:12:34', 'ff3e::1234');
    expect(setGroup(uni, '2001:db8::1')).toBeUndefined();
    expect(uni.values!.dst).toBe('33:33:00:00:12:34');
  });

  it('follows across an 802.1Q tag and for IPv4 groups', () => {
    const m: Message = {
      template: 'ethernet',
      values: {
        body: { template: 'vlan', values: { body: { template: 'ipv4', values: { dst: '239.1.1.1' } } } },
      },
    };
    const ip = (m.values!.body as Message).values!.body as Message;
    ip.values!.dst = '239.129.2.3';
    expect(followGroup(m, 'body.body.dst', '239.1.1.1', '33:33:00:00:00:01')).toBe('dst');
    expect(m.values!.dst).toBe('01:00:5e:01:02:03');
  });
});
