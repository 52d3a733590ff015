// Network and transport: IPv6 with Hop-by-Hop and Fragment headers, IPv4, UDP, and the test signature.
import type { TemplateDef } from '../schema.ts';

const nextHeader = {
  name: 'nextHeader',
  type: 'uint',
  bits: 8,
  default: 59,
  computed: { kind: 'body-key' },
  description: 'Set from the body template; 59 (no next header) or the given value when the body is raw.',
} as const;
const ipBody = {
  name: 'body',
  type: 'body',
  dispatch: { table: 'ip-protocol', field: 'nextHeader' },
} as const;

export const ipv6: TemplateDef = {
  name: 'ipv6',
  version: 1,
  description: 'IPv6 header (RFC 8200).',
  dispatchIn: [{ table: 'ethertype', value: 0x86dd }],
  length: { field: 'payloadLength', offset: 40 },
  pseudoHeader: { family: 6, src: 'src', dst: 'dst' },
  identify: { version: 6 },
  fields: [
    { name: 'version', type: 'uint', bits: 4, default: 6 },
    { name: 'trafficClass', type: 'uint', bits: 8 },
    { name: 'flowLabel', type: 'uint', bits: 20 },
    { name: 'payloadLength', type: 'uint', bits: 16, computed: { kind: 'length', of: ['body'] } },
    nextHeader,
    { name: 'hopLimit', type: 'uint', bits: 8, default: 64 },
    { name: 'src', type: 'ipv6', default: '2001:db8::1' },
    { name: 'dst', type: 'ipv6', default: 'ff3e::1' },
    ipBody,
  ],
};

const notPad1 = { field: 'type', notIn: [0] };

export const ipv6Option: TemplateDef = {
  name: 'ipv6-option',
  version: 1,
  description:
    'TLV option of a Hop-by-Hop or Destination Options header; Pad1 (type 0) is the type byte alone.',
  fields: [
    {
      name: 'type',
      type: 'uint',
      bits: 8,
      default: 1,
      description: '0 = Pad1, 1 = PadN, 5 = Router Alert (data 0000 = MLD, RFC 2711).',
    },
    { name: 'length', type: 'uint', bits: 8, computed: { kind: 'length', of: ['data'] }, when: notPad1 },
    { name: 'data', type: 'bytes', size: { field: 'length' }, when: notPad1 },
  ],
};

export const hopByHop: TemplateDef = {
  name: 'ipv6-hop-by-hop',
  version: 1,
  description:
    'IPv6 Hop-by-Hop Options header; defaults to Router Alert (MLD) + PadN, as MLD messages carry.',
  dispatchIn: [{ table: 'ip-protocol', value: 0 }],
  fields: [
    nextHeader,
    {
      name: 'hdrExtLen',
      type: 'uint',
      bits: 8,
      computed: { kind: 'length', of: 'header', unit: 8, offset: 8 },
    },
    {
      name: 'options',
      type: 'array',
      item: { type: 'message', template: 'ipv6-option' },
      size: { field: 'hdrExtLen', unit: 8, offset: 6 },
      default: [
        { type: 5, data: '0000' },
        { type: 1, data: '' },
      ],
    },
    ipBody,
  ],
};

export const fragment: TemplateDef = {
  name: 'ipv6-fragment',
  version: 1,
  description: 'IPv6 Fragment header.',
  dispatchIn: [{ table: 'ip-protocol', value: 44 }],
  fields: [
    nextHeader,
    { name: 'reserved', type: 'uint', bits: 8 },
    { name: 'fragmentOffset', type: 'uint', bits: 13, description: 'In 8-byte units.' },
    { name: 'res', type: 'uint', bits: 2 },
    { name: 'more', type: 'uint', bits: 1 },
    { name: 'identification', type: 'uint', bits: 32 },
    ipBody,
  ],
};

export const ipv4: TemplateDef = {
  name: 'ipv4',
  version: 1,
  description: 'IPv4 header (RFC 791); options as raw bytes, e.g. 94040000 for Router Alert.',
  dispatchIn: [{ table: 'ethertype', value: 0x0800 }],
  length: { field: 'totalLength' },
  pseudoHeader: { family: 4, src: 'src', dst: 'dst' },
  identify: { version: 4 },
  fields: [
    { name: 'version', type: 'uint', bits: 4, default: 4 },
    { name: 'ihl', type: 'uint', bits: 4, computed: { kind: 'length', of: 'header', unit: 4 } },
    { name: 'dscp', type: 'uint', bits: 6 },
    { name: 'ecn', type: 'uint', bits: 2 },
    { name: 'totalLength', type: 'uint', bits: 16, computed: { kind: 'length', of: 'message' } },
    { name: 'identification', type: 'uint', bits: 16 },
    { name: 'flags', type: 'uint', bits: 3, default: 2, description: '2 = do not fragment.' },
    { name: 'fragmentOffset', type: 'uint', bits: 13 },
    { name: 'ttl', type: 'uint', bits: 8, default: 64 },
    { ...nextHeader, name: 'protocol', default: 255 },
    { name: 'headerChecksum', type: 'uint', bits: 16, computed: { kind: 'inet-checksum', of: 'header' } },
    { name: 'src', type: 'ipv4', default: '192.0.2.1' },
    { name: 'dst', type: 'ipv4', default: '239.1.1.1' },
    { name: 'options', type: 'bytes', size: { field: 'ihl', unit: 4, offset: -20 } },
    { ...ipBody, dispatch: { table: 'ip-protocol', field: 'protocol' } },
  ],
};

export const udp: TemplateDef = {
  name: 'udp',
  version: 1,
  description: 'UDP (RFC 768); the checksum includes the IP pseudo-header.',
  dispatchIn: [{ table: 'ip-protocol', value: 17 }],
  length: { field: 'length' },
  fields: [
    { name: 'srcPort', type: 'uint', bits: 16, default: 5001 },
    { name: 'dstPort', type: 'uint', bits: 16, default: 5000 },
    { name: 'length', type: 'uint', bits: 16, computed: { kind: 'length', of: 'message' } },
    {
      name: 'checksum',
      type: 'uint',
      bits: 16,
      computed: { kind: 'inet-checksum', of: 'message', pseudoHeader: { protocol: 17 }, nonZero: true },
    },
    { name: 'body', type: 'body', dispatch: { table: 'udp-payload' } },
  ],
};

/** "NSPT": marks Netspotter test frames. */
export const SIGNATURE_MAGIC = 0x4e535054;

export const signature: TemplateDef = {
  name: 'test-signature',
  version: 1,
  description:
    'Netspotter test signature at the start of the UDP payload: magic, stream id, sequence number and ' +
    'send time (seconds + nanoseconds, CLOCK_REALTIME). 24 bytes, then filler.',
  dispatchIn: [{ table: 'udp-payload' }],
  identify: { magic: SIGNATURE_MAGIC },
  fields: [
    { name: 'magic', type: 'uint', bits: 32, default: SIGNATURE_MAGIC },
    { name: 'streamId', type: 'uint', bits: 32 },
    { name: 'seq', type: 'uint', bits: 64 },
    { name: 'txSec', type: 'uint', bits: 32 },
    { name: 'txNsec', type: 'uint', bits: 32, max: 999_999_999 },
    { name: 'body', type: 'body', description: 'Filler after the signature.' },
  ],
};
