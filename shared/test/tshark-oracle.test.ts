// Oracle: Wireshark's dissectors read the frames we encode. No malformed packets or expert notes,
// every checksum tshark verifies is good, and the field values it shows equal our decoded values.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingParts } from '../../test/support/system.ts';
import { type Message, builtinLibrary, decode, encode, writePcap } from '../src/packet/index.ts';
import { oracleFrames } from './oracle-frames.ts';

const lib = builtinLibrary();

/** tshark field → our `template.field` (regex) and how our value reads in tshark's units. */
const fieldMap: Array<[string, RegExp, ((v: bigint) => bigint)?]> = [
  ['eth.dst', /^ethernet\.dst$/],
  ['eth.src', /^ethernet\.src$/],
  ['eth.type', /^ethernet\.ethertype$/],
  ['vlan.priority', /^vlan\.pcp$/],
  ['vlan.dei', /^vlan\.dei$/],
  ['vlan.id', /^vlan\.vid$/],
  ['vlan.etype', /^vlan\.ethertype$/],
  ['ipv6.tclass', /^ipv6\.trafficClass$/],
  ['ipv6.flow', /^ipv6\.flowLabel$/],
  ['ipv6.plen', /^ipv6\.payloadLength$/],
  ['ipv6.nxt', /^ipv6\.nextHeader$/],
  ['ipv6.hlim', /^ipv6\.hopLimit$/],
  ['ipv6.src', /^ipv6\.src$/],
  ['ipv6.dst', /^ipv6\.dst$/],
  ['ipv6.hopopts.nxt', /^ipv6-hop-by-hop\.nextHeader$/],
  ['ipv6.hopopts.len', /^ipv6-hop-by-hop\.hdrExtLen$/],
  ['ipv6.opt.type', /^ipv6-option\.type$/],
  ['ipv6.fraghdr.nxt', /^ipv6-fragment\.nextHeader$/],
  ['ipv6.fraghdr.reserved_octet', /^ipv6-fragment\.reserved$/],
  ['ipv6.fraghdr.offset', /^ipv6-fragment\.fragmentOffset$/],
  ['ipv6.fraghdr.reserved_bits', /^ipv6-fragment\.res$/],
  ['ipv6.fraghdr.more', /^ipv6-fragment\.more$/],
  ['ipv6.fraghdr.ident', /^ipv6-fragment\.identification$/],
  ['ipv6.opt.length', /^ipv6-option\.length$/],
  ['udp.srcport', /^udp\.srcPort$/],
  ['udp.dstport', /^udp\.dstPort$/],
  ['udp.length', /^udp\.length$/],
  ['udp.checksum', /^udp\.checksum$/],
  ['icmpv6.type', /^(mld\w*|icmpv6-echo)-\w+\.type$/],
  ['icmpv6.code', /^(mld\w*|icmpv6-echo)-\w+\.code$/],
  ['icmpv6.checksum', /^(mld\w*|icmpv6-echo)-\w+\.checksum$/],
  ['icmpv6.echo.identifier', /^icmpv6-echo-\w+\.identifier$/],
  ['icmpv6.echo.sequence_number', /^icmpv6-echo-\w+\.sequence$/],
  ['icmpv6.mld.maximum_response_delay', /^mldv1-\w+\.maxResponse$/],
  ['icmpv6.mld.maximum_response_code', /^mldv2-query\.maxResponse$/],
  ['icmpv6.mld.multicast_address', /^mldv[12]-(query|report|done)\.group$/],
  ['icmpv6.mld.flag.s', /^mldv2-query\.sFlag$/],
  ['icmpv6.mld.flag.qrv', /^mldv2-query\.qrv$/],
  ['icmpv6.mld.qqi', /^mldv2-query\.qqic$/],
  ['icmpv6.mld.nb_sources', /^mldv2-query\.numSources$/],
  ['icmpv6.mld.source_address', /^mldv2-query\.sources$/],
  ['icmpv6.mldr.nb_mcast_records', /^mldv2-report\.numRecords$/],
  ['icmpv6.mldr.mar.record_type', /^mldv2-record\.recordType$/],
  ['icmpv6.mldr.mar.aux_data_len', /^mldv2-record\.auxDataLen$/],
  ['icmpv6.mldr.mar.nb_sources', /^mldv2-record\.numSources$/],
  ['icmpv6.mldr.mar.multicast_address', /^mldv2-record\.group$/],
  ['icmpv6.mldr.mar.source_address', /^mldv2-record\.sources$/],
  ['icmpv6.mldr.mar.auxiliary_data', /^mldv2-record\.auxData$/],
  ['ip.hdr_len', /^ipv4\.ihl$/, (v) => v * 4n],
  ['ip.len', /^ipv4\.totalLength$/],
  ['ip.id', /^ipv4\.identification$/],
  ['ip.flags', /^ipv4\.flags$/],
  ['ip.frag_offset', /^ipv4\.fragmentOffset$/],
  ['ip.ttl', /^ipv4\.ttl$/],
  ['ip.proto', /^ipv4\.protocol$/],
  ['ip.checksum', /^ipv4\.headerChecksum$/],
  ['ip.src', /^ipv4\.src$/],
  ['ip.dst', /^ipv4\.dst$/],
  ['ip.options.routeralert', /^ipv4\.options$/],
  ['igmp.type', /^igmpv(2|3-query|3-report)\.type$/],
  ['igmp.max_resp', /^igmpv(2|3-query)\.maxRespTime$/],
  ['igmp.s', /^igmpv3-query\.sFlag$/],
  ['igmp.qrv', /^igmpv3-query\.qrv$/],
  ['igmp.qqic', /^igmpv3-query\.qqic$/],
  ['igmp.checksum', /^igmpv(2|3-query|3-report)\.checksum$/],
  ['igmp.num_grp_recs', /^igmpv3-report\.numRecords$/],
  ['igmp.record_type', /^igmpv3-record\.recordType$/],
  ['igmp.aux_data_len', /^igmpv3-record\.auxDataLen$/],
  ['igmp.num_src', /^igmpv3-(record|query)\.numSources$/],
  ['igmp.maddr', /^igmpv(2|3-query|3-record)\.group$/],
  ['igmp.saddr', /^igmpv3-(record|query)\.sources$/],
  ['pim.version', /^pim-hello\.version$/],
  ['pim.type', /^pim-hello\.type$/],
  ['pim.cksum', /^pim-hello\.checksum$/],
  ['pim.optiontype', /^pim-option\.type$/],
  ['pim.optionlength', /^pim-option\.length$/],
];

/** Our template name prefix → the status field tshark sets when it verifies that checksum. */
const checksumStatus: Record<string, string> = {
  udp: 'udp.checksum.status',
  mld: 'icmpv6.checksum.status',
  icmpv6: 'icmpv6.checksum.status',
  ipv4: 'ip.checksum.status',
  igmp: 'igmp.checksum.status',
  'pim-hello': 'pim.cksum.status',
};

type Entry = [key: string, value: unknown];

/** Our decoded message as (template.field, value) pairs in wire order; list items become one pair each. */
function flatten(template: string, values: Record<string, unknown>, out: Entry[] = []): Entry[] {
  const tpl = lib.get(template);
  for (const f of tpl.fields) {
    const v = values[f.name];
    if (v === undefined) continue; // not present (e.g. the length of a Pad1 option)
    const key = `${template}.${f.name}`;
    if (typeof v === 'object' && v !== null && 'template' in v) {
      const m = v as Message;
      flatten(m.template, (m.values ?? {}) as Record<string, unknown>, out);
    } else if (Array.isArray(v)) {
      for (const item of v) {
        if (f.item?.type === 'message') flatten(f.item.template, item as Record<string, unknown>, out);
        else out.push([key, item]);
      }
    } else if (v !== '' || f.type !== 'bytes') out.push([key, v]);
  }
  return out;
}

/** Both sides as comparable text: numbers in decimal, bytes as plain hex, addresses as printed. */
function norm(v: unknown): string {
  const s = String(v);
  if (/^0x[0-9a-f]+$/i.test(s)) return BigInt(s).toString();
  if (/^([0-9a-f]{2}:){3,}[0-9a-f]{2}$/i.test(s) && s.length !== 17) return s.replaceAll(':', '');
  return s;
}

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

function pdmlPackets(xml: string): Entry[][] {
  return xml
    .split('<packet>')
    .slice(1)
    .map((p) =>
      [...p.matchAll(/<field\s[^>]*>/g)].map((m) => {
        const attr = (a: string) => new RegExp(`\\s${a}="([^"]*)"`).exec(m[0])?.[1];
        return [attr('name') ?? '', unescape(attr('show') ?? '')] as Entry;
      }),
    );
}

const skip = missingParts({ commands: ['tshark'] });

describe.skipIf(skip)('tshark oracle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netspotter-oracle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const frames = oracleFrames.map((f) => encode(lib, f.message));
  const file = join(dir, 'oracle.pcap');
  writeFileSync(file, writePcap(frames.map((data, i) => ({ data, timestampNs: BigInt(i) * 1_000_000n }))));
  const run = spawnSync(
    'tshark',
    ['-r', file, '-T', 'pdml', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const packets = run.status === 0 ? pdmlPackets(run.stdout) : [];

  it('dissects every frame', () => {
    expect(run.stderr.replace(/Running as user.*\n?/, '')).toBe('');
    expect(packets).toHaveLength(oracleFrames.length);
  });

  oracleFrames.forEach(({ name }, i) => {
    it(`${name}: not malformed, checksums good, fields equal ours`, () => {
      const fields = packets[i]!;
      expect(fields.filter(([n]) => n.startsWith('_ws.malformed') || n.startsWith('_ws.expert'))).toEqual([]);
      const ours = flatten('ethernet', decode(lib, frames[i]!).values as Record<string, unknown>);
      // Every checksum we computed was verified by tshark, and all are good.
      const statuses = fields.filter(([n]) => /(checksum|cksum)\.status$/.test(n));
      const checked = ours.flatMap(([key]) => {
        const [template, field] = key.split('.') as [string, string];
        if (lib.get(template).byName.get(field)?.computed?.kind !== 'inet-checksum') return [];
        return Object.entries(checksumStatus).flatMap(([prefix, status]) =>
          template.startsWith(prefix) ? [status] : [],
        );
      });
      expect(checked.length).toBeGreaterThan(0);
      expect(statuses.map(([n]) => n).sort()).toEqual(checked.sort());
      expect(statuses.filter(([, s]) => s !== '1')).toEqual([]);

      let compared = 0;
      for (const [tsharkName, pattern, scale] of fieldMap) {
        const theirs = fields.filter(([n]) => n === tsharkName).map(([, s]) => norm(s));
        const mine = ours
          .filter(([k]) => pattern.test(k))
          .map(([, v]) => norm(scale ? scale(BigInt(v as number)) : v));
        expect({ field: tsharkName, values: theirs }).toEqual({ field: tsharkName, values: mine });
        compared += mine.length;
      }
      expect(compared).toBeGreaterThanOrEqual(12);
    });
  });

  it('signature bytes tshark shows as UDP payload hold our stream id, sequence number and send time', () => {
    const udpFrames = oracleFrames.flatMap(({ name }, i) => (name.includes('udp') ? [i] : []));
    expect(udpFrames.length).toBe(5);
    for (const i of udpFrames) {
      const payload = Buffer.from(norm(packets[i]!.find(([n]) => n === 'udp.payload')![1]), 'hex');
      const sig = flatten('ethernet', decode(lib, frames[i]!).values as Record<string, unknown>).filter(
        ([k]) => k.startsWith('test-signature.'),
      );
      const get = (f: string) => BigInt(sig.find(([k]) => k === `test-signature.${f}`)![1] as number);
      expect(BigInt(payload.readUInt32BE(0))).toBe(get('magic'));
      expect(BigInt(payload.readUInt32BE(4))).toBe(get('streamId'));
      expect(payload.readBigUInt64BE(8)).toBe(get('seq'));
      expect(BigInt(payload.readUInt32BE(16))).toBe(get('txSec'));
      expect(BigInt(payload.readUInt32BE(20))).toBe(get('txNsec'));
    }
  });
});
