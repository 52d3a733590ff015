// Parts shared by MLDv2 (RFC 3810) and IGMPv3 (RFC 3376), which differ only in address family.
import type { FieldDef, TemplateDef } from '../schema.ts';
import type { IpFamilyName } from '../../net/ip.ts';

export const recordTypes = {
  isInclude: 1,
  isExclude: 2,
  toInclude: 3,
  toExclude: 4,
  allowNew: 5,
  blockOld: 6,
};

/** A multicast address record of an MLDv2 / IGMPv3 report. */
export function groupRecord(name: string, family: IpFamilyName): TemplateDef {
  return {
    name,
    version: 1,
    description: `Multicast address record (${family === 'ipv6' ? 'MLDv2' : 'IGMPv3'} report).`,
    fields: [
      { name: 'recordType', type: 'uint', bits: 8, default: 'isExclude', enum: recordTypes },
      { name: 'auxDataLen', type: 'uint', bits: 8, computed: { kind: 'length', of: ['auxData'], unit: 4 } },
      { name: 'numSources', type: 'uint', bits: 16, computed: { kind: 'count', of: 'sources' } },
      { name: 'group', type: family, default: family === 'ipv6' ? 'ff3e::1' : '232.1.1.1' },
      { name: 'sources', type: 'array', item: { type: family }, count: { field: 'numSources' } },
      { name: 'auxData', type: 'bytes', size: { field: 'auxDataLen', unit: 4 } },
    ],
  };
}

/** The fields a v2/v3 query adds after the group address: flags, QRV, QQIC, sources. */
export function queryTail(family: IpFamilyName): FieldDef[] {
  return [
    { name: 'resv', type: 'uint', bits: 4 },
    { name: 'sFlag', type: 'uint', bits: 1, description: 'Suppress router-side processing.' },
    { name: 'qrv', type: 'uint', bits: 3, default: 2, description: "Querier's robustness variable." },
    { name: 'qqic', type: 'uint', bits: 8, default: 125, description: "Querier's query interval code." },
    { name: 'numSources', type: 'uint', bits: 16, computed: { kind: 'count', of: 'sources' } },
    { name: 'sources', type: 'array', item: { type: family }, count: { field: 'numSources' } },
  ];
}

/** The record count and list of a v2/v3 report. */
export function recordList(recordTemplate: string): FieldDef[] {
  return [
    { name: 'numRecords', type: 'uint', bits: 16, computed: { kind: 'count', of: 'records' } },
    {
      name: 'records',
      type: 'array',
      item: { type: 'message', template: recordTemplate },
      count: { field: 'numRecords' },
    },
  ];
}
