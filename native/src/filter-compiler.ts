// Compiles the pcap filter expressions the agent and its tests use into classic BPF, without libpcap,
// so the native engine builds and runs on a host with no libpcap at all.
//
// Grammar (a conjunction of primitives, pcap's spelling):
//   expr      := primitive ( 'and' | '&&' primitive )*
//   primitive := 'ip' | 'ip6' | 'udp' | 'inbound' | 'outbound'
//              | ['ip' | 'ip6'] ('src' | 'dst') 'host' ADDRESS
//              | ['udp'] ('src' | 'dst') 'port' NUMBER
//              | 'ether' 'proto' NUMBER
// Semantics follow libpcap's for untagged Ethernet: `udp` alone means UDP over IPv4 (first fragment
// only, as libpcap) or IPv6 (UDP as the first next header), so a filter without a family compiles
// into one block per family, tried in turn. Anything else is refused with the unsupported word named.
import { isIPv4, isIPv6 } from 'node:net';
import type { BpfInstruction } from './binding.ts';
import { ipv6Bytes } from './udp6-frame.ts';

const LD_W_ABS = 0x20;
const LD_H_ABS = 0x28;
const LD_B_ABS = 0x30;
const LD_H_IND = 0x48;
const LDX_B_MSH = 0xb1;
const JEQ_K = 0x15;
const JSET_K = 0x45;
const RET_K = 0x06;
/** Linux ancillary load: the packet type (PACKET_HOST … PACKET_OUTGOING = 4). */
const SKF_AD_PKTTYPE = 0xfffff004;
const PACKET_OUTGOING = 4;

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const UDP = 17;

type Family = 4 | 6;
type Dir = 'src' | 'dst';

/** One parsed primitive. */
type Primitive =
  | { kind: 'family'; family: Family }
  | { kind: 'udp' }
  | { kind: 'direction'; outbound: boolean }
  | { kind: 'host'; dir: Dir; address: string; family: Family }
  | { kind: 'port'; dir: Dir }
  | { kind: 'ether'; proto: number };

export class FilterSyntaxError extends TypeError {
  override readonly name = 'FilterSyntaxError';
}

function parseNumber(word: string | undefined, max: number, what: string): number {
  const n = word !== undefined && /^(0x[0-9a-f]+|\d+)$/i.test(word) ? Number(word) : NaN;
  if (!(n >= 0 && n <= max))
    throw new FilterSyntaxError(`${what} must be a number 0..${max}, got "${word ?? ''}"`);
  return n;
}

interface Parsed {
  prims: Primitive[];
  ports: { dir: Dir; port: number }[];
}

function parse(expr: string): Parsed {
  const words = expr.trim().split(/\s+/).filter(Boolean);
  const prims: Primitive[] = [];
  const ports: { dir: Dir; port: number }[] = [];
  let i = 0;
  const next = () => words[i++];
  while (i < words.length) {
    if (prims.length > 0) {
      const conj = next();
      if (conj !== 'and' && conj !== '&&') {
        throw new FilterSyntaxError(`only 'and' joins primitives here, got "${conj}" in "${expr}"`);
      }
    }
    let w = next();
    let family: Family | undefined;
    if ((w === 'ip' || w === 'ip6' || w === 'udp') && (words[i] === 'src' || words[i] === 'dst')) {
      if (w !== 'udp') family = w === 'ip' ? 4 : 6;
      else prims.push({ kind: 'udp' });
      w = next();
    }
    if (w === 'ip' || w === 'ip6') prims.push({ kind: 'family', family: w === 'ip' ? 4 : 6 });
    else if (w === 'udp') prims.push({ kind: 'udp' });
    else if (w === 'inbound' || w === 'outbound')
      prims.push({ kind: 'direction', outbound: w === 'outbound' });
    else if (w === 'ether' && words[i] === 'proto') {
      i++;
      prims.push({ kind: 'ether', proto: parseNumber(next(), 0xffff, 'ether proto') });
    } else if (w === 'src' || w === 'dst') {
      const what = next();
      if (what === 'host') {
        const address = next() ?? '';
        const fam: Family | undefined = isIPv6(address) ? 6 : isIPv4(address) ? 4 : undefined;
        if (fam === undefined) throw new FilterSyntaxError(`"${address}" is not an IPv4 or IPv6 address`);
        if (family !== undefined && family !== fam) {
          throw new FilterSyntaxError(`${address} is not an ip${family === 6 ? '6' : ''} address`);
        }
        prims.push({ kind: 'host', dir: w, address, family: fam });
      } else if (what === 'port') {
        const port = parseNumber(next(), 0xffff, 'port');
        ports.push({ dir: w, port });
        prims.push({ kind: 'port', dir: w });
      } else {
        throw new FilterSyntaxError(`expected 'host' or 'port' after '${w}', got "${what ?? ''}"`);
      }
    } else {
      throw new FilterSyntaxError(
        `filter word "${w ?? ''}" is not supported by the built-in compiler (in "${expr}")`,
      );
    }
  }
  return { prims, ports };
}

/** A check: instructions to run in order; each `fail` marker is a jump-if-false to the block's end. */
type Step = { ins: BpfInstruction; onFalse?: 'fail'; onTrue?: 'fail' };

function checkEq(load: BpfInstruction, value: number): Step[] {
  return [{ ins: load }, { ins: [JEQ_K, 0, 0, value >>> 0], onFalse: 'fail' }];
}

function familyBlock(p: Parsed, family: Family): Step[] | undefined {
  const steps: Step[] = [];
  const wantsFamily = p.prims.some(
    (x) => x.kind === 'family' || x.kind === 'host' || x.kind === 'udp' || x.kind === 'port',
  );
  if (p.prims.some((x) => (x.kind === 'family' || x.kind === 'host') && x.family !== family))
    return undefined;
  for (const x of p.prims) if (x.kind === 'ether') steps.push(...checkEq([LD_H_ABS, 0, 0, 12], x.proto));
  for (const x of p.prims) {
    if (x.kind !== 'direction') continue;
    steps.push({ ins: [LD_W_ABS, 0, 0, SKF_AD_PKTTYPE] });
    steps.push({
      ins: [JEQ_K, 0, 0, PACKET_OUTGOING],
      ...(x.outbound ? { onFalse: 'fail' } : { onTrue: 'fail' }),
    });
  }
  if (!wantsFamily) return steps;
  steps.push(...checkEq([LD_H_ABS, 0, 0, 12], family === 6 ? ETH_IPV6 : ETH_IPV4));
  for (const x of p.prims) {
    if (x.kind !== 'host') continue;
    if (family === 4) {
      steps.push(
        ...checkEq(
          [LD_W_ABS, 0, 0, x.dir === 'src' ? 26 : 30],
          Buffer.from(x.address.split('.').map(Number)).readUInt32BE(0),
        ),
      );
    } else {
      const bytes = ipv6Bytes(x.address);
      const base = x.dir === 'src' ? 22 : 38;
      for (let w = 0; w < 4; w++)
        steps.push(...checkEq([LD_W_ABS, 0, 0, base + 4 * w], bytes.readUInt32BE(4 * w)));
    }
  }
  if (p.prims.some((x) => x.kind === 'udp' || x.kind === 'port')) {
    steps.push(...checkEq([LD_B_ABS, 0, 0, family === 6 ? 20 : 23], UDP));
    if (p.ports.length > 0) {
      if (family === 6) {
        for (const { dir, port } of p.ports)
          steps.push(...checkEq([LD_H_ABS, 0, 0, dir === 'src' ? 54 : 56], port));
      } else {
        // Only a first fragment carries the UDP header; X = IPv4 header length.
        steps.push({ ins: [LD_H_ABS, 0, 0, 20] }, { ins: [JSET_K, 0, 0, 0x1fff], onTrue: 'fail' });
        steps.push({ ins: [LDX_B_MSH, 0, 0, 14] });
        for (const { dir, port } of p.ports)
          steps.push(...checkEq([LD_H_IND, 0, 0, dir === 'src' ? 14 : 16], port));
      }
    }
  }
  return steps;
}

/**
 * Compiles `expr` into classic BPF whose accept returns `snapLen` bytes. Throws FilterSyntaxError
 * naming the first word it does not support.
 */
export function compileFilterExpression(expr: string, snapLen: number): BpfInstruction[] {
  const parsed = parse(expr);
  const explicit = parsed.prims.flatMap((x) => (x.kind === 'family' || x.kind === 'host' ? [x.family] : []));
  const families: Family[] = explicit.length > 0 ? [explicit[0]!] : [6, 4];
  const blocks = families.map((f) => familyBlock(parsed, f)).filter((b): b is Step[] => b !== undefined);
  const prog: BpfInstruction[] = [];
  // Each block ends with `ret #snapLen`; a failed check jumps to the next block (or the final `ret #0`).
  for (const steps of blocks) {
    const end = prog.length + steps.length + 1; // index of the next block's first instruction
    for (const s of steps) {
      const [code, , , k] = s.ins;
      const rel = end - prog.length - 1;
      if (rel > 255) throw new FilterSyntaxError(`filter too long: "${expr}"`);
      if (s.onFalse) prog.push([code, 0, rel, k]);
      else if (s.onTrue) prog.push([code, rel, 0, k]);
      else prog.push(s.ins);
    }
    prog.push([RET_K, 0, 0, snapLen]);
  }
  prog.push([RET_K, 0, 0, 0]);
  return prog;
}
