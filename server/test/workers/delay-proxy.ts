// A UDP relay in front of one simulated device: each request reaches snmpsim after `delayMs`, so a poll
// takes a while (snmpsim's own delay module sleeps, serialising every device), and the relay records
// which client socket asked, so a test can tell how many polls a device saw. A held relay keeps requests
// until released, so a poll in flight cannot finish while a test stops its server.
import { createSocket, type RemoteInfo } from 'node:dgram';

export interface DelayProxy {
  port: number;
  /** `address:port` of each client socket that sent requests, in order of first request. */
  clients: string[];
  /** Keep requests from now on (none reaches the device) until `release()`. */
  hold(): void;
  /** How many requests are kept now. */
  readonly kept: number;
  /** Forward the kept requests, and every later one, after the delay again. */
  release(): void;
  close(): Promise<void>;
}

export async function startDelayProxy(upstreamPort: number, delayMs: number): Promise<DelayProxy> {
  const front = createSocket('udp4');
  const clients: string[] = [];
  const back = new Map<string, ReturnType<typeof createSocket>>();
  const upstreamOf = (from: RemoteInfo) => {
    const key = `${from.address}:${from.port}`;
    let s = back.get(key);
    if (!s) {
      clients.push(key);
      s = createSocket('udp4');
      s.on('message', (reply) => front.send(reply, from.port, from.address));
      back.set(key, s);
    }
    return s;
  };
  let kept: (() => void)[] | undefined;
  front.on('message', (msg, from) => {
    const up = upstreamOf(from);
    const forward = () =>
      setTimeout(() => {
        try {
          up.send(msg, upstreamPort, '127.0.0.1');
        } catch {
          // closed: the test is over
        }
      }, delayMs);
    if (kept) kept.push(forward);
    else forward();
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  return {
    port: front.address().port,
    clients,
    get kept() {
      return kept?.length ?? 0;
    },
    hold: () => {
      kept ??= [];
    },
    release: () => {
      const forwards = kept ?? [];
      kept = undefined;
      for (const f of forwards) f();
    },
    close: async () => {
      for (const s of back.values()) s.close();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}
