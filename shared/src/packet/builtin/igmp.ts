// IGMPv2 (RFC 2236) and IGMPv3 (RFC 3376) over IPv4.
import type { TemplateDef } from '../schema.ts';
import { checksumField } from './fields.ts';
import { groupRecord, queryTail, recordList } from './group.ts';

const dispatchIn = [{ table: 'ip-protocol', value: 2 }];
const checksum = checksumField();

export const igmpv2: TemplateDef = {
  name: 'igmpv2',
  version: 1,
  description: 'IGMPv2 message (8 bytes): query 0x11, report 0x16, leave 0x17.',
  dispatchIn,
  fields: [
    {
      name: 'type',
      type: 'uint',
      bits: 8,
      default: 0x16,
      enum: { query: 0x11, v1Report: 0x12, report: 0x16, leave: 0x17 },
    },
    { name: 'maxRespTime', type: 'uint', bits: 8, description: 'Tenths of a second.' },
    checksum,
    { name: 'group', type: 'ipv4', default: '239.1.1.1' },
  ],
};

export const igmpv3Query: TemplateDef = {
  name: 'igmpv3-query',
  version: 1,
  extends: 'igmpv2',
  description: 'IGMPv3 membership query (≥ 12 bytes) with an optional source list.',
  dispatchIn,
  identify: { type: 0x11 },
  defaults: { type: 'query', maxRespTime: 100, group: '0.0.0.0' },
  fields: queryTail('ipv4'),
};

export const igmpv3Record = groupRecord('igmpv3-record', 'ipv4');

export const igmpv3Report: TemplateDef = {
  name: 'igmpv3-report',
  version: 1,
  description: 'IGMPv3 membership report: a list of group records.',
  dispatchIn,
  identify: { type: 0x22 },
  fields: [
    { name: 'type', type: 'uint', bits: 8, default: 0x22 },
    { name: 'reserved1', type: 'uint', bits: 8 },
    checksum,
    { name: 'reserved2', type: 'uint', bits: 16 },
    ...recordList('igmpv3-record'),
  ],
};

export const igmpTemplates = [igmpv3Query, igmpv3Report, igmpv2, igmpv3Record];
