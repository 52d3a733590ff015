// A UDP relay in front of one simulated device: each request reaches snmpsim after `delayMs`, so a poll
// takes a while (snmpsim's own delay module sleeps, serialising every device), and the relay records
// which client socket asked, so a test can tell how many polls a device saw.
import { createSocket, type RemoteInfo } from 'node:dgram';

export interface DelayProxy {
  port: number;
  /** `address:port` of each client socket that sent requests, in order of first request. */
  clients: string[];
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
  front.on('message', (msg, from) => {
    const up = upstreamOf(from);
    setTimeout(() => {
      try {
        up.send(msg, upstreamPort, '127.0.0.1');
      } catch {
        // closed: the test is over
      }
    }, delayMs);
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  return {
    port: front.address().port,
    clients,
    close: async () => {
      for (const s of back.values()) s.close();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}
