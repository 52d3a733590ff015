// A fast SNMPv2c responder for benchmarks: every device a community names, served from recordings in
// memory (GET, GETNEXT, GETBULK), answering as snmpsim does for the same requests, byte for byte (the
// bench checks a sample against snmpsim). Written on `dgram` and ./ber.ts: net-snmp's agent serves one
// MIB through registered providers, not thousands of devices from raw recordings.
import { createSocket, type Socket } from 'node:dgram';
import { BerReader, integerContent, oidContent, TAG, tlv } from './ber.ts';
import { CopyCache, seek, type CopyView } from './device-copy.ts';
import { compareArcs, exact, following, type Recording } from './snmprec.ts';

/** A device: the recording it answers from, and which copy it is (0: the recording as is, as snmpsim serves it). */
export interface Device {
  rec: Recording;
  copy: number;
}

/** GET and GETNEXT over one device. */
interface Mib {
  get(oid: number[]): Buffer;
  /** The varbind and the OID the next round continues from. */
  next(oid: number[]): { varbind: Buffer; oid: number[] };
}

/** pysnmp's GETBULK cap: max-repetitions is cut so that a response holds at most 64 varbinds. */
const MAX_VARBINDS = 64;
const ZERO = tlv(TAG.INTEGER, integerContent(0n));

const exception = (oid: number[], tag: number) =>
  tlv(TAG.SEQUENCE, Buffer.concat([tlv(TAG.OID, oidContent(oid)), Buffer.from([tag, 0])]));

/** A recording as snmpsim serves it. GET: the record itself, else noSuchInstance (snmpsim does not tell a
 * missing object from a missing instance); GETNEXT: the record snmpsim answers with, else endOfMibView. */
function recordingMib(rec: Recording): Mib {
  return {
    get: (oid) => {
      const i = exact(rec, oid);
      return i === undefined ? exception(oid, TAG.NO_SUCH_INSTANCE) : rec.varbinds[i]!;
    },
    next: (oid) => {
      const i = following(rec, oid);
      if (i === undefined) return { varbind: exception(oid, TAG.END_OF_MIB_VIEW), oid };
      return { varbind: rec.varbinds[i]!, oid: Array.from(rec.oids[i]!) };
    },
  };
}

/** A device copy, in plain OID order. */
function copyMib(view: CopyView): Mib {
  return {
    get: (oid) => {
      const i = seek(view, oid);
      return i < view.oids.length && compareArcs(view.oids[i]!, oid) === 0
        ? view.varbinds[i]!
        : exception(oid, TAG.NO_SUCH_INSTANCE);
    },
    next: (oid) => {
      let i = seek(view, oid);
      if (i < view.oids.length && compareArcs(view.oids[i]!, oid) === 0) i++;
      if (i >= view.oids.length) return { varbind: exception(oid, TAG.END_OF_MIB_VIEW), oid };
      return { varbind: view.varbinds[i]!, oid: Array.from(view.oids[i]!) };
    },
  };
}

/** The response to one request datagram, or undefined for what snmpsim would not answer (other versions, unknown communities, malformed). */
export function answer(
  msg: Buffer,
  devices: ReadonlyMap<string, Device>,
  copies = new CopyCache(),
  counts?: { varbinds: number },
): Buffer | undefined {
  try {
    const top = new BerReader(msg).expect(TAG.SEQUENCE);
    if (top.integer() !== 1n) return undefined; // SNMPv2c only
    const community = top.octets();
    const name = community.toString('latin1');
    const device = devices.get(name);
    if (!device) return undefined;
    const mib =
      device.copy === 0 ? recordingMib(device.rec) : copyMib(copies.get(name, device.rec, device.copy));
    const { tag, content: pdu } = top.next();
    const requestId = pdu.integer();
    const [a, b] = [Number(pdu.integer()), Number(pdu.integer())];
    const list = pdu.expect(TAG.SEQUENCE);
    const oids: number[][] = [];
    while (!list.done) {
      const vb = list.expect(TAG.SEQUENCE);
      oids.push(vb.oid());
      vb.skip();
    }
    let varbinds: Buffer[];
    if (tag === TAG.GET) varbinds = oids.map((o) => mib.get(o));
    else if (tag === TAG.GET_NEXT) varbinds = oids.map((o) => mib.next(o).varbind);
    else if (tag === TAG.GET_BULK) varbinds = bulk(mib, oids, a, b);
    else return undefined;
    if (counts) counts.varbinds += varbinds.length;
    return tlv(
      TAG.SEQUENCE,
      Buffer.concat([
        tlv(TAG.INTEGER, integerContent(1n)),
        tlv(TAG.OCTET_STRING, community),
        tlv(
          TAG.RESPONSE,
          Buffer.concat([
            tlv(TAG.INTEGER, integerContent(requestId)),
            ZERO,
            ZERO,
            tlv(TAG.SEQUENCE, Buffer.concat(varbinds)),
          ]),
        ),
      ]),
    );
  } catch {
    return undefined; // malformed: dropped, as an agent does
  }
}

/** GETBULK as pysnmp runs it (RFC 3416 4.2.3): repetitions go on past endOfMibView. */
function bulk(mib: Mib, oids: number[][], nonRepeaters: number, maxRepetitions: number): Buffer[] {
  const n = Math.min(Math.max(0, nonRepeaters), oids.length);
  const r = Math.max(oids.length - n, 0);
  let m = Math.max(0, maxRepetitions);
  if (r) m = Math.min(m, Math.floor(MAX_VARBINDS / r));
  const out = oids.slice(0, n).map((o) => mib.next(o).varbind);
  let row = oids.slice(n);
  for (; m > 0 && r > 0; m--) {
    const step = row.map((o) => mib.next(o));
    out.push(...step.map((s) => s.varbind));
    row = step.map((s) => s.oid);
  }
  return out;
}

/** Serves `devices` on 127.0.0.1:port (0: any free port); counts the requests and varbinds answered. */
export async function startResponder(
  devices: ReadonlyMap<string, Device>,
  port = 0,
): Promise<{
  socket: Socket;
  port: number;
  answered: { requests: number; varbinds: number; bytes: number };
}> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
  const copies = new CopyCache();
  const answered = { requests: 0, varbinds: 0, bytes: 0 };
  socket.on('message', (msg, from) => {
    const reply = answer(msg, devices, copies, answered);
    if (!reply) return;
    answered.requests++;
    answered.bytes += reply.length;
    socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, answered };
}
