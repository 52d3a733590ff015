// Names and descriptions from OCTET STRINGs, decoded in one place. Trailing NULs (C string ends) are
// dropped; a hex-dump tail ("text", a newline, then "2D 31 00": what a text dump of a string that was not
// all printable leaves in recordings) is turned back into its octets; UTF-8 is kept; every other byte
// (control characters, invalid UTF-8) is written as \xNN and the value is flagged by keeping its octets.

export interface DecodedName {
  /** Printable text; bytes that are not are written as \xNN. Trimmed. */
  text: string;
  /** The octets as received, in hex, when the text is not exactly them (escaped or repaired). */
  raw?: string;
}

/** `name`: one line (ifName, ifAlias, sysName, …); `text`: may hold line breaks and tabs (sysDescr). */
export type NameKind = 'name' | 'text';

const HEX_LINE = /^[0-9A-F]{2}( [0-9A-F]{2})* *$/;

export function decodeName(value: unknown, kind: NameKind = 'name'): DecodedName | undefined {
  if (typeof value === 'number') return { text: String(value) };
  const received = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (!Buffer.isBuffer(received)) return undefined;
  let bytes = withoutTrailingNuls(received);
  const repaired = repairHexTail(bytes);
  if (repaired) bytes = withoutTrailingNuls(repaired);
  const { text, escaped } = printable(bytes, kind);
  const out: DecodedName = { text: text.trim() };
  if (escaped || repaired) out.raw = received.toString('hex');
  return out;
}

function withoutTrailingNuls(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return b.subarray(0, end);
}

/** "text\nHH HH …" (one or more lines of upper-case hex pairs after a first line) → text + those octets. */
function repairHexTail(b: Buffer): Buffer | undefined {
  const lines = b.toString('latin1').split('\n');
  if (lines.length < 2 || [...lines[0]!].some((c) => c < ' ' || c === '\x7f')) return undefined;
  const tail = lines.slice(1).filter((l) => l.trim() !== '');
  if (tail.length === 0 || !tail.every((l) => HEX_LINE.test(l))) return undefined;
  const octets = Buffer.from(tail.join(' ').replace(/\s+/g, ''), 'hex');
  return Buffer.concat([Buffer.from(lines[0]!, 'latin1'), octets]);
}

const utf8 = new TextDecoder('utf-8');

/** Length of the UTF-8 sequence starting at `i`, or 0 when the bytes there are not valid UTF-8. */
function utf8Length(b: Buffer, i: number): number {
  const lead = b[i]!;
  const size = lead < 0x80 ? 1 : lead < 0xc2 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf5 ? 4 : 0;
  if (size === 0 || i + size > b.length) return 0;
  for (let k = 1; k < size; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  // Overlong forms and surrogates are not UTF-8 either: the decoder replaces them.
  return utf8.decode(b.subarray(i, i + size)).includes('\ufffd') ? 0 : size;
}

function isControl(cp: number, kind: NameKind): boolean {
  if (kind === 'text' && (cp === 9 || cp === 10 || cp === 13)) return false;
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

function printable(b: Buffer, kind: NameKind): { text: string; escaped: boolean } {
  let text = '';
  let escaped = false;
  const escape = (from: number, to: number): void => {
    for (let k = from; k < to; k++) text += `\\x${b[k]!.toString(16).padStart(2, '0')}`;
    escaped = true;
  };
  for (let i = 0; i < b.length;) {
    const size = utf8Length(b, i);
    if (size === 0) {
      escape(i, i + 1);
      i++;
      continue;
    }
    const ch = b.subarray(i, i + size).toString('utf8');
    if (isControl(ch.codePointAt(0)!, kind)) escape(i, i + size);
    else text += ch;
    i += size;
  }
  return { text, escaped };
}

/** A record of names with the octets of the flagged ones beside them (`rawNames`). */
export type Named<K extends string> = { [P in K]?: string } & { rawNames?: { [P in K]?: string } };

/** Decodes `value` into `into[field]`, flagging it in `into.rawNames`; empty names are left out unless kept. */
export function putName<K extends string>(
  into: Named<K>,
  field: K,
  value: unknown,
  opts: { kind?: NameKind; keepEmpty?: boolean } = {},
): void {
  const d = decodeName(value, opts.kind);
  if (!d || (d.text === '' && !opts.keepEmpty)) return;
  (into as Record<K, string>)[field] = d.text;
  if (d.raw !== undefined) into.rawNames = { ...into.rawNames, [field]: d.raw } as Named<K>['rawNames'];
}
