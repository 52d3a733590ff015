// The portable engine on npm `cap` (libpcap), used the safe way (cap 0.2.1 writes each frame into one
// receive Buffer it holds only a raw pointer to):
// - the receive Buffer is held by the handle for its whole life (cap keeps only a raw pointer to it;
//   a collected Buffer means writes into freed memory), and released only after close();
// - frame bytes are valid only during the 'packet' event: they are copied (or matched) inside it;
// - a send-only handle gets a never-matching filter so its receive side stays idle;
// - a large kernel buffer absorbs bursts (libpcap immediate mode: bufferBytes / 64 KiB frames).
import { createRequire } from 'node:module';
import {
  type EngineCounters,
  type EngineHandle,
  type OpenOptions,
  type PacketEngine,
  type CapturedFrame,
  nowMs,
} from './engine.ts';
import { FrameDelivery } from './frame-delivery.ts';
import { interfaceError } from '../capabilities.ts';

interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  setMinBytes?(n: number): void;
  send(buffer: Buffer, size?: number): void;
  close(): void;
  on(event: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
}
interface CapModule {
  Cap: new () => CapHandle;
}

const require = createRequire(import.meta.url);
let capModule: CapModule | undefined;
let loadError: string | undefined;
try {
  capModule = require('cap') as CapModule;
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  loadError =
    e.code === 'MODULE_NOT_FOUND'
      ? 'npm cap is not installed (libpcap-dev was missing at npm install; apt-get install libpcap-dev && npm install)'
      : `npm cap not loadable: ${e.message}`;
}

/** Matches nothing in practice (a reserved ethertype): a send-only handle must not wake JS per frame on the wire. */
const NEVER = 'ether proto 0xffff';
const SNAPLEN = 65535;

class CapHandleImpl implements EngineHandle {
  readonly #cap: CapHandle;
  // Held for the handle's life: cap writes every captured frame into this memory.
  #rxBuffer: Buffer | undefined = Buffer.alloc(SNAPLEN);
  readonly #txBuffer = Buffer.alloc(SNAPLEN);
  readonly #delivery = new FrameDelivery();
  #c: EngineCounters = { sent: 0, sendErrors: 0, received: 0, dropped: 0, kernelDropsVisible: false };
  #closed = false;

  constructor(ifname: string, opts: OpenOptions) {
    this.#cap = new capModule!.Cap();
    this.#cap.open(ifname, opts.filter ?? NEVER, opts.bufferBytes ?? 64 * 1024 * 1024, this.#rxBuffer!);
    this.#cap.setMinBytes?.(0); // immediate delivery
    this.#cap.on('packet', (nbytes) => {
      const at = nowMs();
      this.#c.received++;
      this.#delivery.deliver(this.#rxBuffer!.subarray(0, nbytes), at);
    });
  }

  sendBatch(frames: readonly Uint8Array[]): number {
    let n = 0;
    for (const f of frames) {
      try {
        if (f instanceof Buffer) this.#cap.send(f, f.length);
        else {
          this.#txBuffer.set(f);
          this.#cap.send(this.#txBuffer, f.length);
        }
        n++;
      } catch {
        this.#c.sendErrors++;
      }
    }
    this.#c.sent += n;
    return n;
  }

  frames(): AsyncIterable<CapturedFrame> {
    return this.#delivery.frames();
  }

  onFrame(fn: (data: Uint8Array, atMs: number) => void): void {
    this.#delivery.onFrame(fn);
  }

  counters(): EngineCounters {
    return { ...this.#c, dropped: this.#c.dropped + this.#delivery.dropped };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cap.close();
    this.#delivery.close();
    this.#rxBuffer = undefined; // only now may it be collected
  }
}

export const capEngine: PacketEngine = {
  name: 'cap',
  // libpcap's own timestamps are not handed to JS by cap: frames are stamped by nowMs() on arrival.
  kernelStamps: false,
  unavailable: () => loadError,
  open(ifname, opts = {}) {
    if (loadError) throw new Error(loadError);
    try {
      return new CapHandleImpl(ifname, opts);
    } catch (err) {
      throw new Error(interfaceError(ifname, (err as Error).message, (err as NodeJS.ErrnoException).code));
    }
  },
};
