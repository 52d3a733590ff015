// The fast responder against snmpsim: the same request datagrams (GET, GETNEXT and GETBULK over each
// recording: existing and missing OIDs, several at once, running off the end) sent to both, answers
// compared byte for byte.
import { createSocket } from 'node:dgram';
import { startSnmpsim } from '../../server/test/discovery/support/snmpsim.ts';
import { integerContent, oidContent, TAG, tlv } from './ber.ts';
import { startResponder, type Device } from './snmp-responder.ts';
import { loadRecording, type Recording } from './snmprec.ts';

export interface CheckResult {
  requests: number;
  identical: number;
  /** The first differing answers (hex), for the report. */
  mismatches: { request: string; snmpsim: string; ours: string }[];
}

/** A v2c request datagram for `oids`: a, b are non-repeaters and max-repetitions for GETBULK, else 0. */
export function request(
  community: string,
  pdu: number,
  id: number,
  a: number,
  b: number,
  oids: number[][],
): Buffer {
  const null_ = Buffer.from([TAG.NULL, 0]);
  const vbs = oids.map((o) => tlv(TAG.SEQUENCE, Buffer.concat([tlv(TAG.OID, oidContent(o)), null_])));
  return tlv(
    TAG.SEQUENCE,
    Buffer.concat([
      tlv(TAG.INTEGER, integerContent(1n)),
      tlv(TAG.OCTET_STRING, Buffer.from(community, 'latin1')),
      tlv(
        pdu,
        Buffer.concat([
          tlv(TAG.INTEGER, integerContent(BigInt(id))),
          tlv(TAG.INTEGER, integerContent(BigInt(a))),
          tlv(TAG.INTEGER, integerContent(BigInt(b))),
          tlv(TAG.SEQUENCE, Buffer.concat(vbs)),
        ]),
      ),
    ]),
  );
}

/** Deterministic sample of requests over one recording. */
function sample(community: string, rec: Recording, count: number, firstId: number): Buffer[] {
  let seed = firstId;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const pick = () => Array.from(rec.oids[rand(rec.oids.length)]!);
  const missing = () => [...pick(), 4242]; // below an entry: not itself an entry
  const last = Array.from(rec.oids.at(-1)!);
  const out: Buffer[] = [];
  for (let i = 0; out.length < count; i++) {
    const id = firstId + out.length;
    const kind = i % 6;
    if (kind === 0) out.push(request(community, TAG.GET, id, 0, 0, [pick(), pick(), missing()]));
    else if (kind === 1) out.push(request(community, TAG.GET_NEXT, id, 0, 0, [pick(), missing(), last]));
    else if (kind === 2) out.push(request(community, TAG.GET_BULK, id, 0, 1 + rand(48), [pick()]));
    else if (kind === 3)
      out.push(request(community, TAG.GET_BULK, id, 1, 2 + rand(24), [pick(), pick(), pick()]));
    else if (kind === 4)
      out.push(request(community, TAG.GET_BULK, id, 0, 40, [pick(), last])); // runs off the end
    else out.push(request(community, TAG.GET_BULK, id, 0, 30, [missing(), pick(), pick(), pick()]));
  }
  return out;
}

/** Sends each request to port and waits for its answer (one at a time). */
async function ask(port: number, requests: Buffer[]): Promise<(Buffer | undefined)[]> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const answers: (Buffer | undefined)[] = [];
  try {
    for (const req of requests) {
      answers.push(
        await new Promise<Buffer | undefined>((resolve) => {
          const t = setTimeout(() => done(undefined), 3000);
          function done(b: Buffer | undefined) {
            clearTimeout(t);
            s.off('message', done);
            resolve(b);
          }
          s.on('message', done);
          s.send(req, port, '127.0.0.1');
        }),
      );
    }
  } finally {
    s.close();
  }
  return answers;
}

export async function compareWithSnmpsim(
  files: Record<string, string>,
  perRecording: number,
): Promise<CheckResult> {
  const devices = new Map<string, Device>(
    Object.entries(files).map(([name, path]) => [name, { rec: loadRecording(path), copy: 0 }]),
  );
  const requests = [...devices].flatMap(([name, d], i) =>
    sample(name, d.rec, perRecording, 1000 + i * perRecording),
  );
  const sim = await startSnmpsim(files);
  const ours = await startResponder(devices);
  try {
    const [a, b] = [await ask(sim.port, requests), await ask(ours.port, requests)];
    const result: CheckResult = { requests: requests.length, identical: 0, mismatches: [] };
    requests.forEach((req, i) => {
      if (a[i] && b[i] && a[i].equals(b[i])) result.identical++;
      else if (result.mismatches.length < 5)
        result.mismatches.push({
          request: req.toString('hex'),
          snmpsim: a[i]?.toString('hex') ?? 'no answer',
          ours: b[i]?.toString('hex') ?? 'no answer',
        });
    });
    return result;
  } finally {
    ours.socket.close();
    await sim.stop();
  }
}
