// `netspotter frames`: build a pcap from JSON messages, and decode a pcap/pcapng into message trees.
import { Command } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import {
  DecodeError,
  type Message,
  MessageError,
  type TemplateDef,
  TemplateError,
  type TemplateLibrary,
  builtinLibrary,
  decodeCapture,
  encode,
  writePcap,
  LINKTYPE_ETHERNET,
  LINKTYPE_RAW,
} from '@netspotter/shared';

/** A bad input file: printed as one line naming the file (and the path inside it). */
class InputError extends Error {}

interface Flags {
  templates?: string;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function readJson(file: string): Promise<unknown> {
  const text = await readText(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
}

/** The built-in library plus the user templates of `--templates FILE` (a JSON list of definitions). */
async function library(flags: Flags): Promise<TemplateLibrary> {
  if (!flags.templates) return builtinLibrary();
  const defs = await readJson(flags.templates);
  if (!Array.isArray(defs))
    throw new InputError(`${flags.templates}: expected a JSON list of template definitions`);
  try {
    const lib = builtinLibrary().with(defs as TemplateDef[]);
    const broken = lib.check()[0];
    if (broken) throw broken;
    return lib;
  } catch (e) {
    if (e instanceof TemplateError) throw new InputError(`${flags.templates}: ${e.message}`);
    throw e;
  }
}

const toJson = (value: unknown) =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);

/** Indented text: one line per message with its scalar fields, nested messages below. */
function tree(m: Message, depth: number, lines: string[]): void {
  const nested: Array<[string, Message]> = [];
  const scalars: string[] = [];
  for (const [name, v] of Object.entries(m.values ?? {})) {
    if (typeof v === 'object' && v !== null && 'template' in v) nested.push([name, v as Message]);
    else if (v !== '') scalars.push(`${name}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  lines.push(`${'  '.repeat(depth)}${m.template} ${scalars.join(' ')}`);
  for (const [, child] of nested) tree(child, depth + 1, lines);
}

export function framesCommand(): Command {
  const frames = new Command('frames').description('encode messages into pcap files and decode captures');

  frames
    .command('build')
    .description('encode a JSON message (or a list of them) into the frames of a pcap file')
    .argument('<message.json>', 'a message {"template": ..., "values": {...}} or a list of messages')
    .requiredOption('--out <file.pcap>', 'pcap file to write')
    .option('--templates <file.json>', 'user template definitions (a JSON list) added to the built-in ones')
    .action(async function (this: Command, file: string, flags: Flags & { out: string }) {
      await reportingErrors(this, async () => {
        const lib = await library(flags);
        const input = await readJson(file);
        const messages = Array.isArray(input) ? input : [input];
        const encoded = messages.map((m: Message, i) => {
          try {
            return encode(lib, m);
          } catch (e) {
            if (!(e instanceof MessageError)) throw e;
            const at = Array.isArray(input) ? `[${i}]` : '';
            const first = e.issues[0]!;
            const path = [at, first.path].filter(Boolean).join(first.path && at ? '.' : '');
            const more = e.issues.length > 1 ? ` (and ${e.issues.length - 1} more)` : '';
            throw new InputError(`${file}: ${path ? `${path}: ` : ''}${first.message}${more}`);
          }
        });
        try {
          // Bare IP packets get the raw-IP link type so Wireshark reads them; anything else is Ethernet.
          const rawIp = messages.every((m: Message) => m.template === 'ipv6' || m.template === 'ipv4');
          const linkType = rawIp ? LINKTYPE_RAW : LINKTYPE_ETHERNET;
          await writeFile(
            flags.out,
            writePcap(
              encoded.map((data) => ({ data })),
              linkType,
            ),
          );
        } catch (e) {
          throw new InputError(
            `cannot write ${flags.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
          );
        }
        this.configureOutput().writeOut!(`wrote ${encoded.length} frame(s) to ${flags.out}\n`);
      });
    });

  frames
    .command('decode')
    .description('decode the frames of a pcap or pcapng file into message trees')
    .argument('<file.pcap>', 'pcap or pcapng capture')
    .option('--json', 'print the decoded frames as JSON')
    .option('--templates <file.json>', 'user template definitions (a JSON list) added to the built-in ones')
    .action(async function (this: Command, file: string, flags: Flags & { json?: boolean }) {
      await reportingErrors(this, async () => {
        const lib = await library(flags);
        let bytes: Uint8Array;
        try {
          bytes = await readFile(file);
        } catch (e) {
          throw new InputError(
            `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
          );
        }
        let decoded;
        try {
          decoded = decodeCapture(lib, bytes);
        } catch (e) {
          if (e instanceof DecodeError) throw new InputError(`${file}: ${e.message}`);
          throw e;
        }
        const out = this.configureOutput().writeOut!;
        if (flags.json) {
          const rows = decoded.map((d, i) => ({
            frame: i + 1,
            timestampNs: d.frame.timestampNs,
            length: d.frame.data.length,
            ...(d.message ? { message: d.message } : { error: d.error }),
          }));
          out(toJson(rows) + '\n');
          return;
        }
        const lines: string[] = [];
        decoded.forEach((d, i) => {
          lines.push(`#${i + 1} ${d.frame.data.length} bytes${d.error ? `: ${d.error}` : ''}`);
          if (d.message) tree(d.message, 1, lines);
        });
        out(lines.join('\n') + '\n');
      });
    });

  return frames;
}

/** Expected input problems become one `netspotter: ...` line and exit code 2. */
async function reportingErrors(cmd: Command, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (e instanceof InputError)
      cmd.error(`netspotter: ${e.message}`, { exitCode: 2, code: 'netspotter.input' });
    throw e;
  }
}
