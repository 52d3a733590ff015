// ICMPv6 (RFC 4443): echo, and MLDv1 (RFC 2710) / MLDv2 (RFC 3810) built by extending one base.
import type { TemplateDef } from '../schema.ts';
import { checksumField } from './fields.ts';
import { groupRecord, queryTail, recordList } from './group.ts';

const dispatchIn = [{ table: 'ip-protocol', value: 58 }];
const typed = (name: string, base: string, type: number, description: string): TemplateDef => ({
  name,
  version: 1,
  extends: base,
  description,
  dispatchIn,
  defaults: { type },
  identify: { type },
  fields: [],
});

export const icmpv6: TemplateDef = {
  name: 'icmpv6',
  version: 1,
  description: 'Any ICMPv6 message: type, code, checksum (with the IPv6 pseudo-header), then raw bytes.',
  fields: [
    { name: 'type', type: 'uint', bits: 8 },
    { name: 'code', type: 'uint', bits: 8 },
    checksumField({ protocol: 58, families: [6] }),
    { name: 'body', type: 'body', description: 'Message body (the rest of the message).' },
  ],
};

export const echoRequest: TemplateDef = {
  ...typed('icmpv6-echo-request', 'icmpv6', 128, 'ICMPv6 echo request; the body is the data.'),
  fields: [
    { name: 'identifier', type: 'uint', bits: 16 },
    { name: 'sequence', type: 'uint', bits: 16 },
  ],
};
export const echoReply = typed('icmpv6-echo-reply', 'icmpv6-echo-request', 129, 'ICMPv6 echo reply.');

export const mldv1Query: TemplateDef = {
  ...typed('mldv1-query', 'icmpv6', 130, 'MLDv1 query (24 bytes); group :: for a general query.'),
  fields: [
    {
      name: 'maxResponse',
      type: 'uint',
      bits: 16,
      default: 10000,
      description: 'Milliseconds (v2: a code).',
    },
    { name: 'reserved', type: 'uint', bits: 16 },
    { name: 'group', type: 'ipv6', default: '::' },
  ],
};
export const mldv1Report = {
  ...typed('mldv1-report', 'mldv1-query', 131, 'MLDv1 report.'),
  defaults: { type: 131, maxResponse: 0, group: 'ff3e::1' },
};
export const mldv1Done = typed('mldv1-done', 'mldv1-report', 132, 'MLDv1 done.');

export const mldv2Query: TemplateDef = {
  ...typed('mldv2-query', 'mldv1-query', 130, 'MLDv2 query (≥ 28 bytes) with an optional source list.'),
  fields: queryTail('ipv6'),
};

export const mldv2Record = groupRecord('mldv2-record', 'ipv6');

export const mldv2Report: TemplateDef = {
  ...typed('mldv2-report', 'icmpv6', 143, 'MLDv2 report: a list of multicast address records.'),
  fields: [{ name: 'reserved', type: 'uint', bits: 16 }, ...recordList('mldv2-record')],
};

/** Specific templates first: dispatch tries them in this order and the generic one last. */
export const icmpv6Templates = [
  echoRequest,
  echoReply,
  mldv2Query,
  mldv1Query,
  mldv1Report,
  mldv1Done,
  mldv2Report,
  mldv2Record,
  { ...icmpv6, dispatchIn },
];
