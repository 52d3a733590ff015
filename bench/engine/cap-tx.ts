// Child process: npm `cap` sends the bench frame in a tight loop (one pcap_sendpacket per frame).
// The receive Buffer stays referenced for the handle's life (cap keeps only a raw pointer to it).
import { createRequire } from 'node:module';
import { benchFrame } from './frame.ts';

interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  send(buffer: Buffer, length: number): void;
  close(): void;
}
const { Cap } = createRequire(import.meta.url)('cap') as { Cap: new () => CapHandle };

const [ifname, seconds] = [process.argv[2]!, Number(process.argv[3])];
const frame = benchFrame().frame;
const rxBuffer = Buffer.alloc(65535);
const cap = new Cap();
cap.open(ifname, 'ether proto 0x88b5', 10 * 1024 * 1024, rxBuffer); // matches nothing: RX stays idle
console.log('ready'); // the bench starts its clock from here, not from a slow start-up
const end = performance.now() + seconds * 1000;
let sent = 0;
let nobufs = 0;
while (performance.now() < end) {
  for (let i = 0; i < 1024; i++) {
    try {
      cap.send(frame, frame.length);
      sent++;
    } catch {
      nobufs++; // ENOBUFS: back off by moving on
    }
  }
}
cap.close();
console.log(JSON.stringify({ sent, nobufs, rxBufferBytes: rxBuffer.length }));
