// Frames for the Wireshark oracle test: each a message we encode and the tshark fields it must show.
import type { Message } from '../src/packet/index.ts';
import { multicastMac } from '../src/packet/index.ts';

const src = '2001:db8::10';
const eth = (dst: string, body: Message): Message => ({
  template: 'ethernet',
  values: { dst: multicastMac(dst), src: '02:00:00:00:00:10', body },
});
const ip6 = (dst: string, body: Message, extra: Record<string, unknown> = {}): Message => ({
  template: 'ipv6',
  values: { src, dst, ...extra, body },
});
const mld = (dst: string, body: Message): Message =>
  eth(dst, ip6(dst, { template: 'ipv6-hop-by-hop', values: { body } }, { src: 'fe80::10', hopLimit: 1 }));
const ip4 = (dst: string, body: Message, ttl = 1): Message => ({
  template: 'ethernet',
  values: {
    dst: multicastMac(dst),
    body: {
      template: 'ipv4',
      values: { src: '192.0.2.10', dst, ttl, options: ttl === 1 ? '94040000' : '', body },
    },
  },
});
const signed = (streamId: number, seq: number): Message => ({
  template: 'test-signature',
  values: { streamId, seq, txSec: 1763800000, txNsec: 123456789, body: '00'.repeat(16) },
});
const udp = (dst: string, streamId: number): Message =>
  eth(
    dst,
    ip6(dst, {
      template: 'udp',
      values: { srcPort: 40000, dstPort: 5000, body: signed(streamId, 42 + streamId) },
    }),
  );

export const oracleFrames: Array<{ name: string; message: Message }> = [
  { name: 'udp-ff3e', message: udp('ff3e::1234', 1) },
  { name: 'udp-ff0e', message: udp('ff0e::8000:1', 2) },
  {
    name: 'mldv1-report',
    message: mld('ff3e::4321', { template: 'mldv1-report', values: { group: 'ff3e::4321' } }),
  },
  {
    name: 'mldv2-report',
    message: mld('ff02::16', {
      template: 'mldv2-report',
      values: {
        records: [
          { recordType: 'isInclude', group: 'ff3e::1', sources: ['2001:db8::a', '2001:db8::b'] },
          { recordType: 'toExclude', group: 'ff0e::2', sources: [] },
          { recordType: 'allowNew', group: 'ff3e::3', sources: ['2001:db8::c'], auxData: '01020304' },
        ],
      },
    }),
  },
  {
    name: 'mldv2-query',
    message: mld('ff02::1', {
      template: 'mldv2-query',
      values: { group: 'ff3e::1', sources: ['2001:db8::a', '2001:db8::b', '2001:db8::c'], qrv: 2, qqic: 125 },
    }),
  },
  {
    name: 'igmpv3-report',
    message: {
      template: 'ethernet',
      values: {
        dst: multicastMac('224.0.0.22'),
        body: {
          template: 'ipv4',
          values: {
            src: '192.0.2.10',
            dst: '224.0.0.22',
            ttl: 1,
            options: '94040000',
            body: {
              template: 'igmpv3-report',
              values: {
                records: [
                  { recordType: 'isInclude', group: '232.1.1.1', sources: ['192.0.2.1', '192.0.2.2'] },
                  { recordType: 'blockOld', group: '232.1.1.2', sources: ['192.0.2.3'] },
                ],
              },
            },
          },
        },
      },
    },
  },
  {
    name: 'pim-hello',
    message: eth('ff02::d', ip6('ff02::d', { template: 'pim-hello' }, { src: 'fe80::10', hopLimit: 1 })),
  },
  {
    name: 'vlan-udp',
    message: {
      template: 'ethernet',
      values: {
        dst: multicastMac('ff3e::77'),
        body: {
          template: 'vlan',
          values: {
            pcp: 5,
            vid: 100,
            body: ip6('ff3e::77', { template: 'udp', values: { dstPort: 6000, body: signed(3, 7) } }),
          },
        },
      },
    },
  },
  {
    name: 'mldv1-report-pad1',
    message: eth(
      'ff3e::4322',
      ip6(
        'ff3e::4322',
        {
          template: 'ipv6-hop-by-hop',
          values: {
            options: [{ type: 5, data: '0000' }, { type: 0 }, { type: 0 }],
            body: { template: 'mldv1-report', values: { group: 'ff3e::4322' } },
          },
        },
        { src: 'fe80::10', hopLimit: 1 },
      ),
    ),
  },
  {
    name: 'mldv1-query',
    message: mld('ff02::1', { template: 'mldv1-query', values: { maxResponse: 1000 } }),
  },
  {
    name: 'mldv1-done',
    message: mld('ff02::2', { template: 'mldv1-done', values: { group: 'ff3e::4321' } }),
  },
  {
    name: 'echo-request',
    message: eth(
      'ff3e::9',
      ip6('ff3e::9', {
        template: 'icmpv6-echo-request',
        values: { identifier: 77, sequence: 3, body: 'cafe' },
      }),
    ),
  },
  {
    name: 'echo-reply',
    message: eth(
      'ff3e::9',
      ip6('ff3e::9', { template: 'icmpv6-echo-reply', values: { identifier: 77, sequence: 3 } }),
    ),
  },
  {
    name: 'fragment-udp',
    message: eth(
      'ff3e::a',
      ip6('ff3e::a', {
        template: 'ipv6-fragment',
        values: {
          identification: 0x1234,
          body: { template: 'udp', values: { dstPort: 5000, body: signed(4, 1) } },
        },
      }),
    ),
  },
  ...(['report', 'leave', 'query'] as const).map((type) => ({
    name: `igmpv2-${type}`,
    message: ip4('224.0.0.2', {
      template: 'igmpv2',
      values: {
        type,
        group: type === 'query' ? '0.0.0.0' : '239.1.2.3',
        maxRespTime: type === 'query' ? 100 : 0,
      },
    }),
  })),
  {
    name: 'igmpv3-query',
    message: ip4('224.0.0.1', {
      template: 'igmpv3-query',
      values: { group: '232.1.1.1', sources: ['192.0.2.1', '192.0.2.2'], qqic: 60 },
    }),
  },
  {
    name: 'ipv4-udp',
    message: ip4('232.1.1.1', { template: 'udp', values: { dstPort: 5000, body: signed(5, 9) } }, 16),
  },
  { name: 'pim-hello-ipv4', message: ip4('224.0.0.13', { template: 'pim-hello' }) },
];
