// Link layer: Ethernet II and the 802.1Q VLAN tag.
import type { TemplateDef } from '../schema.ts';

const ethertype = (description: string) =>
  ({
    name: 'ethertype',
    type: 'uint',
    bits: 16,
    default: 0x86dd,
    computed: { kind: 'body-key' },
    description,
  }) as const;

export const ethernet: TemplateDef = {
  name: 'ethernet',
  version: 1,
  description: 'Ethernet II frame (no FCS).',
  fields: [
    { name: 'dst', type: 'mac', default: '33:33:00:00:00:01' },
    { name: 'src', type: 'mac', default: '02:00:00:00:00:01' },
    ethertype('Set from the body template; the given value is kept when the body is raw.'),
    { name: 'body', type: 'body', dispatch: { table: 'ethertype', field: 'ethertype' } },
    { name: 'padding', type: 'bytes', description: 'Bytes after the payload (minimum frame size padding).' },
  ],
};

export const vlan: TemplateDef = {
  name: 'vlan',
  version: 1,
  description: 'IEEE 802.1Q tag (follows the outer ethertype 0x8100).',
  dispatchIn: [{ table: 'ethertype', value: 0x8100 }],
  fields: [
    { name: 'pcp', type: 'uint', bits: 3, description: 'Priority code point.' },
    { name: 'dei', type: 'uint', bits: 1 },
    { name: 'vid', type: 'uint', bits: 12, default: 1, max: 4094 },
    ethertype('Ethertype of the payload.'),
    { name: 'body', type: 'body', dispatch: { table: 'ethertype', field: 'ethertype' } },
  ],
};
