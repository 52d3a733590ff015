// PIMv2 hello (RFC 7761 §4.9.2); over IPv6 its checksum includes the pseudo-header.
import type { TemplateDef } from '../schema.ts';
import { checksumField } from './fields.ts';

export const pimOption: TemplateDef = {
  name: 'pim-option',
  version: 1,
  description:
    'PIM hello option TLV: 1 holdtime, 2 LAN prune delay, 19 DR priority, 20 generation id, 24 address list.',
  fields: [
    { name: 'type', type: 'uint', bits: 16, default: 1 },
    { name: 'length', type: 'uint', bits: 16, computed: { kind: 'length', of: ['value'] } },
    { name: 'value', type: 'bytes', size: { field: 'length' } },
  ],
};

export const pimHello: TemplateDef = {
  name: 'pim-hello',
  version: 1,
  description: 'PIMv2 hello: send to ff02::d (IPv6) or 224.0.0.13 (IPv4) with hop limit / TTL 1.',
  dispatchIn: [{ table: 'ip-protocol', value: 103 }],
  identify: { version: 2, type: 0 },
  fields: [
    { name: 'version', type: 'uint', bits: 4, default: 2 },
    { name: 'type', type: 'uint', bits: 4 },
    { name: 'reserved', type: 'uint', bits: 8 },
    checksumField({ protocol: 103, families: [6] }),
    {
      name: 'options',
      type: 'array',
      item: { type: 'message', template: 'pim-option' },
      default: [
        { type: 1, value: '0069' },
        { type: 19, value: '00000001' },
        { type: 20, value: '2a5c0f01' },
      ],
    },
  ],
};
