// Frame generation rate on one core (Node's main thread): a compiled template patched per frame
// (sequence number, send time, UDP checksum fix-up) beside encoding the same message from scratch;
// Scapy building the same frame is the outside reference. Ends with
// `compiled/scratch=R.R frames_per_s=N` (N = the compiled rate).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type Message,
  builtinLibrary,
  compile,
  encode,
  multicastMac,
} from '../../shared/src/packet/index.ts';

const lib = builtinLibrary();
const group = 'ff3e::1234';
const message = (seq: number, txSec: number, txNsec: number): Message => ({
  template: 'ethernet',
  values: {
    dst: multicastMac(group),
    src: '02:00:00:00:00:0a',
    body: {
      template: 'ipv6',
      values: {
        src: '2001:db8::a',
        dst: group,
        body: {
          template: 'udp',
          values: {
            srcPort: 5001,
            dstPort: 5000,
            body: {
              template: 'test-signature',
              values: { streamId: 1, seq, txSec, txNsec, body: '00'.repeat(8) },
            },
          },
        },
      },
    },
  },
});

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const RING = 1024;
/** Frames stamped with one clock reading: a sender hands frames to the kernel in batches like this. */
const BATCH = 64;

// Wall-clock seconds + nanoseconds from the monotonic clock plus a fixed offset, without BigInt.
const [monoSec, monoNsec] = process.hrtime();
const wallNs = Date.now() * 1e6;
const offsetSec = Math.floor(wallNs / 1e9) - monoSec;
const offsetNsec = (wallNs % 1e9) - monoNsec;
let clockSec = 0;
let clockNsec = 0;
function readClock(): void {
  const [s, ns] = process.hrtime();
  const n = ns + offsetNsec;
  clockSec = s + offsetSec + Math.floor(n / 1e9);
  clockNsec = ((n % 1e9) + 1e9) % 1e9;
}

function timed(run: () => number): number {
  const start = performance.now();
  const frames = run();
  return frames / ((performance.now() - start) / 1000);
}

function scratch(): number {
  return timed(() => {
    let frames = 0;
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      for (let i = 0; i < BATCH; i++, frames++) {
        readClock();
        encode(lib, message(frames, clockSec, clockNsec));
      }
    }
    return frames;
  });
}

const c = compile(lib, message(0, 0, 0));
const stride = c.length;
// A preallocated ring of frames, like a TX ring: the base bytes are copied in once per slot.
const ring = Buffer.alloc(RING * stride);
for (let s = 0; s < RING; s++) ring.set(c.bytes, s * stride);

/** Patches frames into the ring; reads the clock every `clockEvery` frames. */
function compiled(clockEvery: number): number {
  let frames = 0;
  const rate = timed(() => {
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      for (let s = 0; s < RING; s++, frames++) {
        if (frames % clockEvery === 0) readClock();
        c.patch(ring, s * stride, frames, clockSec, clockNsec);
      }
    }
    return frames;
  });
  // The last patched frame must equal the same message encoded from scratch.
  const last = ring.subarray((RING - 1) * stride, RING * stride);
  const expected = encode(
    lib,
    message(frames - 1, last.readUInt32BE(stride - 16), last.readUInt32BE(stride - 12)),
  );
  if (!last.equals(expected)) throw new Error('a compiled frame differs from the scratch encoding');
  return rate;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** Scapy (Debian python3-scapy) building the same frame per frame, when installed. */
function scapy(): string {
  const python = '/usr/bin/python3';
  const script = fileURLToPath(new URL('./scapy_build.py', import.meta.url));
  const r = spawnSync(python, [script, String(SECONDS)], { encoding: 'utf8' });
  if (r.status !== 0)
    return `not run (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}; apt-get install python3-scapy)`;
  const [rate, hex] = r.stdout.trim().split('\n');
  const same = hex === Buffer.from(encode(lib, message(5, 6, 7))).toString('hex');
  return `${fmt(Number(rate))} frames/s (its bytes ${same ? 'equal' : 'DIFFER from'} ours)`;
}

const reference = scapy();
const fromScratch = scratch();
const perBatch = compiled(BATCH);
const perFrame = compiled(1);
console.log(`frame: Ethernet/IPv6/UDP to ${group} with a test signature, ${stride} bytes, one thread`);
console.log(`scapy 2.5 reference (build per frame):               ${reference}`);
console.log(`from scratch (encode per frame, clock per frame):     ${fmt(fromScratch)} frames/s`);
console.log(`compiled (patch seq+time+checksum, clock per ${BATCH}):   ${fmt(perBatch)} frames/s`);
console.log(`compiled (patch seq+time+checksum, clock per frame): ${fmt(perFrame)} frames/s`);
console.log(`compiled/scratch=${(perBatch / fromScratch).toFixed(1)} frames_per_s=${Math.round(perBatch)}`);
