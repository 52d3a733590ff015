// `frames build` and `frames decode` through commander, on real files in a temp folder.
import { CommanderError } from 'commander';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Message, builtinLibrary, encode, readCapture } from '@netspotter/shared';
import { framesCommand } from './frames.ts';

const dir = mkdtempSync(join(tmpdir(), 'netspotter-frames-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const cmd = framesCommand();
  let out = '';
  let err = '';
  for (const c of [cmd, ...cmd.commands]) {
    c.exitOverride().configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (err += s) });
  }
  try {
    await cmd.parseAsync(args, { from: 'user' });
    return { out, err, code: 0 };
  } catch (e) {
    if (e instanceof CommanderError) return { out, err, code: e.exitCode };
    throw e;
  }
}

const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

const udp: Message = {
  template: 'ethernet',
  values: {
    dst: '33:33:00:00:12:34',
    body: {
      template: 'ipv6',
      values: {
        dst: 'ff3e::1234',
        body: { template: 'udp', values: { body: { template: 'test-signature', values: { seq: 9 } } } },
      },
    },
  },
};
const mld: Message = {
  template: 'ethernet',
  values: {
    body: {
      template: 'ipv6',
      values: {
        src: 'fe80::1',
        dst: 'ff02::16',
        hopLimit: 1,
        body: {
          template: 'ipv6-hop-by-hop',
          values: {
            body: {
              template: 'mldv2-report',
              values: { records: [{ group: 'ff3e::1', sources: ['2001:db8::1'] }] },
            },
          },
        },
      },
    },
  },
};

describe('netspotter frames', () => {
  it('builds a pcap from a list of messages and decodes it back to the same frames', async () => {
    const out = join(dir, 'two.pcap');
    const built = await run('build', file('two.json', [udp, mld]), '--out', out);
    expect(built).toEqual({ out: `wrote 2 frame(s) to ${out}\n`, err: '', code: 0 });
    const lib = builtinLibrary();
    const frames = readCapture(readFileSync(out)).map((f) => Buffer.from(f.data).toString('hex'));
    expect(frames).toEqual([udp, mld].map((m) => Buffer.from(encode(lib, m)).toString('hex')));

    const decoded = await run('decode', out, '--json');
    expect(decoded.code).toBe(0);
    const rows = JSON.parse(decoded.out) as Array<{ frame: number; message: Message }>;
    expect(rows.map((r) => r.frame)).toEqual([1, 2]);
    expect(rows.map((r) => Buffer.from(encode(lib, r.message)).toString('hex'))).toEqual(frames);
    expect(rows[0]!.message.values!.body).toMatchObject({ template: 'ipv6', values: { dst: 'ff3e::1234' } });

    const text = await run('decode', out);
    expect(text.out.split('\n').slice(0, 5)).toEqual([
      '#1 86 bytes',
      expect.stringMatching(/^ {2}ethernet dst=33:33:00:00:12:34 /),
      expect.stringMatching(/^ {4}ipv6 version=6 .* dst=ff3e::1234$/),
      expect.stringMatching(/^ {6}udp srcPort=5001 dstPort=5000 length=32 checksum=\d+$/),
      expect.stringMatching(/^ {8}test-signature magic=1314082900 streamId=0 seq=9 /),
    ]);
  });

  it('builds one message and uses user templates', async () => {
    const templates = file('templates.json', [
      {
        name: 'probe',
        fields: [
          { name: 'tag', type: 'uint', bits: 16, default: 0xbeef },
          { name: 'body', type: 'body' },
        ],
      },
    ]);
    const out = join(dir, 'one.pcap');
    const msg = file('one.json', { template: 'probe', values: { body: '0102' } });
    expect((await run('build', msg, '--out', out, '--templates', templates)).code).toBe(0);
    expect(Buffer.from(readCapture(readFileSync(out))[0]!.data).toString('hex')).toBe('beef0102');
    expect(readCapture(readFileSync(out))[0]!.linkType).toBe(1);

    const ip = join(dir, 'ip.pcap');
    expect(
      (await run('build', file('ip.json', [{ template: 'ipv6' }, { template: 'ipv4' }]), '--out', ip)).code,
    ).toBe(0);
    expect(readCapture(readFileSync(ip)).map((f) => f.linkType)).toEqual([101, 101]);
    const rows = JSON.parse((await run('decode', ip, '--json')).out) as Array<{ message: Message }>;
    expect(rows.map((r) => r.message.template)).toEqual(['ipv6', 'ipv4']);
  });

  it('names the file and the path of bad input', async () => {
    const bad = structuredClone(mld);
    ((bad.values!.body as Message).values!.body as Message).values!.body = {
      template: 'mldv2-report',
      values: { records: [{}, {}, { sources: ['2001:db8::1', 'nope'] }] },
    };
    const list = file('bad.json', [udp, bad]);
    expect(await run('build', list, '--out', join(dir, 'x.pcap'))).toEqual({
      out: '',
      err: `netspotter: ${list}: [1].body.body.body.records[2].sources[1]: not an IPv6 address\n`,
      code: 2,
    });
    const notJson = file('broken.json', '{"template": ');
    expect((await run('build', notJson, '--out', join(dir, 'x.pcap'))).err).toMatch(
      new RegExp(`^netspotter: ${notJson}: not valid JSON: `),
    );
    const missing = join(dir, 'missing.json');
    expect(await run('build', missing, '--out', join(dir, 'x.pcap'))).toMatchObject({
      err: `netspotter: cannot read ${missing}: ENOENT\n`,
      code: 2,
    });
    const notPcap = file('not.pcap', 'hello, this is not a capture');
    expect(await run('decode', notPcap)).toMatchObject({
      err: `netspotter: ${notPcap}: not a pcap or pcapng file (at byte 0)\n`,
      code: 2,
    });
    const cyclic = file('cyclic.json', [{ name: 'a', extends: 'a', fields: [] }]);
    expect((await run('decode', notPcap, '--templates', cyclic)).err).toBe(
      `netspotter: ${cyclic}: template "a": extends: cycle a → a\n`,
    );
    expect((await run('build', list)).err).toMatch(/required option '--out <file.pcap>' not specified/);
  });
});
