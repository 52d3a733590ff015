// The field types whose values are whole bytes, one entry each: how wide it is, and value ⇄ wire
// bytes (encode writes the bytes parse gives, decode reads the field's bytes and format shows them).
// The template schema, the library's width rule, the codec and the GUI's template editor all read
// this table, so a new type is one entry here plus its test. uint (bit fields), array and body are
// the structural kinds the codec handles itself.
import {
  bytesToHex,
  formatIpv4,
  formatIpv6,
  formatMac,
  formatUtf8,
  hexToBytes,
  parseIpv4,
  parseIpv6,
  parseMac,
  parseUtf8,
  type Parsed,
} from './values.ts';

export interface ByteFieldType {
  /** Fixed width in bits; absent when the field's `size` says (or it runs to the end of its region). */
  bits?: number;
  parse(value: unknown): Parsed<Uint8Array>;
  format(bytes: Uint8Array): string;
  /** A value shorter than a fixed size is padded with zero bytes (text), instead of refused. */
  padShort?: boolean;
  /** What the template editor says it is. */
  describe: string;
}

export const BYTE_FIELD_TYPES = {
  mac: { bits: 48, parse: parseMac, format: formatMac, describe: 'MAC address (6 bytes)' },
  ipv4: { bits: 32, parse: parseIpv4, format: formatIpv4, describe: 'IPv4 address (4 bytes)' },
  ipv6: { bits: 128, parse: parseIpv6, format: formatIpv6, describe: 'IPv6 address (16 bytes)' },
  bytes: { parse: hexToBytes, format: bytesToHex, describe: 'bytes, given as hex (sized)' },
  string: { parse: parseUtf8, format: formatUtf8, padShort: true, describe: 'UTF-8 text (sized)' },
} satisfies Record<string, ByteFieldType>;

export type ByteFieldTypeName = keyof typeof BYTE_FIELD_TYPES;
type Fixed<K extends ByteFieldTypeName> = (typeof BYTE_FIELD_TYPES)[K] extends { bits: number } ? K : never;
export type FixedWidthTypeName = { [K in ByteFieldTypeName]: Fixed<K> }[ByteFieldTypeName];
export type SizedTypeName = Exclude<ByteFieldTypeName, FixedWidthTypeName>;

const names = Object.keys(BYTE_FIELD_TYPES) as ByteFieldTypeName[];
const byteType = (name: ByteFieldTypeName): ByteFieldType => BYTE_FIELD_TYPES[name];
/** Types of a fixed width (addresses): a field of one is that wide. */
export const FIXED_WIDTH_TYPES = names.filter((n) => byteType(n).bits !== undefined) as FixedWidthTypeName[];
/** Types sized by the field (`size`), or running to the end of their region. */
export const SIZED_TYPES = names.filter((n) => byteType(n).bits === undefined) as SizedTypeName[];

/** The byte field type of a name, or undefined for uint, array, body and message items. */
export const byteFieldType = (name: string): ByteFieldType | undefined =>
  Object.hasOwn(BYTE_FIELD_TYPES, name) ? byteType(name as ByteFieldTypeName) : undefined;

/** Every type a template field may have, in the order the template editor offers them. */
export const FIELD_TYPE_NAMES = ['uint', ...names, 'array', 'body'] as const;
