// The fast responder: every snmprec type encoded as snmpsim encodes it, snmpsim's answers reproduced byte for
// byte on a small recording of every type (one part out of OID order, a comment, a blank line), and device
// copies that are distinct boxes walked in OID order.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SNMPSIM } from '../../server/test/discovery/support/snmpsim.ts';
import { BerReader, TAG } from './ber.ts';
import { compareWithSnmpsim, request } from './check.ts';
import { answer, type Device } from './snmp-responder.ts';
import { encodeValue, loadRecording } from './snmprec.ts';

const RECORDING = [
  '1.3.6.1.2.1.1.1.0|4|Test box  with spaces  ',
  '1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10',
  '1.3.6.1.2.1.1.3.0|67|123456',
  '1.3.6.1.2.1.1.5.0|4|synthetic',
  '1.3.6.1.2.1.1.6.0|4e|line\\nwith\\ttabs\\x00',
  '1.3.6.1.2.1.2.2.1.1.1|2|1',
  '1.3.6.1.2.1.2.2.1.1.2|2|-2147483648',
  '1.3.6.1.2.1.2.2.1.6.1|4x|001122334455',
  '1.3.6.1.2.1.2.2.1.10.1|65|4294967295',
  '1.3.6.1.2.1.2.2.1.5.1|66|1000000000',
  '# a comment',
  '',
  '1.3.6.1.2.1.4.20.1.1.192.0.2.1|64|192.0.2.1',
  '1.3.6.1.2.1.4.20.1.1.198.51.100.1|64|198.51.100.1',
  '1.3.6.1.2.1.4.20.1.3.192.0.2.1|64x|ffffff00',
  '1.3.6.1.2.1.4.20.1.3.198.51.100.1|64x|ffffff00',
  '1.3.6.1.2.1.31.1.1.1.6.1|70|18446744073709551615',
  '1.3.6.1.2.1.99.1.0|5|',
  '1.3.6.1.2.1.99.2.0|68x|deadbeef',
  '1.3.6.1.2.1.10.7.2.1.1|2|7',
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'responder-test-'));
const file = join(dir, 'synthetic.snmprec');
writeFileSync(file, RECORDING + '\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The varbinds of a response: [dotted OID, tag of the value, value bytes]. */
function varbinds(msg: Buffer): [string, number, Buffer][] {
  const top = new BerReader(msg).expect(TAG.SEQUENCE);
  top.integer();
  top.octets();
  const pdu = top.next().content;
  pdu.integer();
  pdu.integer();
  pdu.integer();
  const list = pdu.expect(TAG.SEQUENCE);
  const out: [string, number, Buffer][] = [];
  while (!list.done) {
    const vb = list.expect(TAG.SEQUENCE);
    const oid = vb.oid().join('.');
    const v = vb.next();
    out.push([oid, v.tag, msg.subarray(v.start, v.start + v.length)]);
  }
  return out;
}

describe('fast SNMP responder', () => {
  it('encodes every snmprec type as BER', () => {
    const hex = (tag: string, value: string) => encodeValue(tag, value).toString('hex');
    expect(hex('2', '-2147483648')).toBe('0205ff80000000'); // pyasn1's length for -2^31
    expect(hex('2', '-129')).toBe('0202ff7f');
    expect(hex('2', '128')).toBe('02020080');
    expect(hex('66', '4294967295')).toBe('420500ffffffff');
    expect(hex('70', '18446744073709551615')).toBe('460900ffffffffffffffff');
    expect(hex('64', '192.0.2.1')).toBe('4004c0000201');
    expect(hex('6', '1.3.6.1.4.1.8072')).toBe('06072b06010401bf08');
    expect(hex('4e', 'a\\x00\\n')).toBe('040361000a');
    expect(hex('5', '')).toBe('0500');
  });

  it.skipIf(!SNMPSIM)(
    'answers GET, GETNEXT and GETBULK byte for byte as snmpsim does',
    async () => {
      const r = await compareWithSnmpsim({ synthetic: file }, 60);
      expect(r.mismatches).toEqual([]);
      expect(r.identical).toBe(60);
    },
    60_000,
  );

  it('serves device copies as distinct boxes, in OID order', () => {
    const rec = loadRecording(file);
    const devices = new Map<string, Device>([
      ['d0', { rec, copy: 1 }],
      ['d1', { rec, copy: 2 }],
    ]);
    const walk = (community: string) => {
      const out: [string, number, Buffer][] = [];
      for (let oid = [1, 3]; ;) {
        const [vb] = varbinds(answer(request(community, TAG.GET_NEXT, 1, 0, 0, [oid]), devices)!);
        if (vb![1] === TAG.END_OF_MIB_VIEW) return out;
        out.push(vb!);
        oid = vb![0].split('.').map(Number);
      }
    };
    const [a, b] = [walk('d0'), walk('d1')];
    expect(a).toHaveLength(18);
    const value = (w: typeof a, oid: string) => w.find(([o]) => o === oid)?.[2].toString('latin1');
    expect(value(a, '1.3.6.1.2.1.1.5.0')).toBe('synthetic-1');
    expect(value(b, '1.3.6.1.2.1.1.5.0')).toBe('synthetic-2');
    const mac = (w: typeof a) => w.find(([o]) => o === '1.3.6.1.2.1.2.2.1.6.1')![2].toString('hex');
    expect([mac(a), mac(b)]).toEqual(['001122334454', '001122334457']);
    // Addresses move by a constant mask per copy (second and third octets), index and ipAdEntAddr alike.
    expect(a.filter(([o]) => o.startsWith('1.3.6.1.2.1.4.20.1.1.')).map(([o]) => o)).toEqual([
      '1.3.6.1.2.1.4.20.1.1.192.0.3.1',
      '1.3.6.1.2.1.4.20.1.1.198.51.101.1',
    ]);
    expect(value(a, '1.3.6.1.2.1.4.20.1.1.192.0.3.1')).toBe('\xc0\x00\x03\x01');
    // Strictly increasing: the walker accepts every step.
    const order = a.map(([o]) => o.split('.').map(Number));
    for (let i = 1; i < order.length; i++) {
      const [p, q] = [order[i - 1]!, order[i]!];
      const k = p.findIndex((x, j) => x !== q[j]);
      expect(k === -1 ? p.length < q.length : p[k]! < (q[k] ?? -1)).toBe(true);
    }
    expect(answer(request('nobody', TAG.GET, 1, 0, 0, [[1, 3]]), devices)).toBeUndefined();
  });
});
