// The built-in filter compiler: verdicts on crafted frames (everywhere), and the same verdicts as
// libpcap's program for the same expression (where tcpdump is installed), plus its refusals.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { missingParts } from '../../test/support/system.ts';
import { FilterSyntaxError, compileFilterExpression } from '../src/filter-compiler.ts';
import { udp6Frame } from '../src/index.ts';
import { runBpf } from './support/bpf-run.ts';

const G = 'ff3e::1234';
const v6 = (dst: string, dstPort: number, over: Partial<{ nxt: number; src: string }> = {}) => {
  const f = udp6Frame({
    srcMac: '02:00:00:00:00:0a',
    src: over.src ?? '2001:db8::1',
    dst,
    srcPort: 4000,
    dstPort,
    payload: Buffer.alloc(8),
  }).frame;
  if (over.nxt !== undefined) f[20] = over.nxt;
  return f;
};
/** IPv4 UDP with an IHL of `ihl` words and fragment field `frag`. */
const v4 = (dst: string, dstPort: number, ihl = 5, frag = 0, proto = 17) => {
  const f = Buffer.alloc(14 + ihl * 4 + 8 + 8);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x40 | ihl;
  f.writeUInt16BE(frag, 20);
  f[23] = proto;
  Buffer.from([192, 0, 2, 1]).copy(f, 26);
  Buffer.from(dst.split('.').map(Number)).copy(f, 30);
  f.writeUInt16BE(4000, 14 + ihl * 4);
  f.writeUInt16BE(dstPort, 14 + ihl * 4 + 2);
  return f;
};
const arp = (() => {
  const f = Buffer.alloc(42);
  f.writeUInt16BE(0x0806, 12);
  return f;
})();

const FRAMES: Record<string, { frame: Buffer; pktType?: number }> = {
  'v6 group 5000': { frame: v6(G, 5000) },
  'v6 group 5000 sent by us': { frame: v6(G, 5000), pktType: 4 },
  'v6 other group 5000': { frame: v6('ff3e::9999', 5000) },
  'v6 group 5001': { frame: v6(G, 5001) },
  'v6 group tcp': { frame: v6(G, 5000, { nxt: 6 }) },
  'v6 from 2001:db8::7': { frame: v6(G, 5000, { src: '2001:db8::7' }) },
  'v4 5000': { frame: v4('192.0.2.9', 5000) },
  'v4 5000 options': { frame: v4('192.0.2.9', 5000, 6) },
  'v4 5000 later fragment': { frame: v4('192.0.2.9', 5000, 5, 0x0010) },
  'v4 5000 tcp': { frame: v4('192.0.2.9', 5000, 5, 0, 6) },
  arp: { frame: arp },
  truncated: { frame: v6(G, 5000).subarray(0, 30) },
};

const accepted = (expr: string) =>
  Object.entries(FRAMES)
    .filter(([, f]) => runBpf(compileFilterExpression(expr, 128), f.frame, f.pktType) > 0)
    .map(([name]) => name);

const EXPRESSIONS = [
  `ip6 dst host ${G} and udp dst port 5000`,
  'udp dst port 5000',
  'ip6 and udp dst port 5000',
  'inbound',
  'ip and dst host 192.0.2.9',
  'src host 2001:db8::7 and udp',
  'ether proto 0x0806',
  'ip6 and outbound',
];

describe('compileFilterExpression', () => {
  it('accepts exactly the frames the expression names', () => {
    expect(accepted(`ip6 dst host ${G} and udp dst port 5000`)).toEqual([
      'v6 group 5000',
      'v6 group 5000 sent by us',
      'v6 from 2001:db8::7',
    ]);
    expect(accepted('udp dst port 5000')).toEqual([
      'v6 group 5000',
      'v6 group 5000 sent by us',
      'v6 other group 5000',
      'v6 from 2001:db8::7',
      'v4 5000',
      'v4 5000 options',
    ]);
    expect(accepted('inbound')).not.toContain('v6 group 5000 sent by us');
    expect(accepted('inbound')).toHaveLength(Object.keys(FRAMES).length - 1);
    expect(accepted('ether proto 0x0806')).toEqual(['arp']);
  });

  it('returns the snap length on accept', () => {
    expect(runBpf(compileFilterExpression('udp dst port 5000', 96), v6(G, 5000))).toBe(96);
  });

  it('refuses what it does not compile, naming the word', () => {
    expect(() => compileFilterExpression('tcp dst port 80', 128)).toThrow(FilterSyntaxError);
    expect(() => compileFilterExpression('tcp dst port 80', 128)).toThrow(/"tcp"/);
    expect(() => compileFilterExpression('udp or ip6', 128)).toThrow(/only 'and'/);
    expect(() => compileFilterExpression('dst host ff3e::zz', 128)).toThrow(/not an IPv4 or IPv6 address/);
    expect(() => compileFilterExpression('ip dst host ff3e::1', 128)).toThrow(/not an ip address/);
    expect(() => compileFilterExpression('udp dst port 70000', 128)).toThrow(/port must be/);
  });
});

describe.skipIf(missingParts({ commands: ['tcpdump'] }))('compileFilterExpression against libpcap', () => {
  it.each(EXPRESSIONS)('%s: the same verdict as tcpdump -ddd on every frame', (expr) => {
    const text = execFileSync('tcpdump', ['-ddd', '-y', 'EN10MB', '-s', '128', expr], { encoding: 'utf8' });
    const pcap = text
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number, number]);
    const ours = compileFilterExpression(expr, 128);
    for (const [name, f] of Object.entries(FRAMES)) {
      expect({ name, verdict: runBpf(ours, f.frame, f.pktType) > 0 }).toEqual({
        name,
        verdict: runBpf(pcap, f.frame, f.pktType) > 0,
      });
    }
  });
});
