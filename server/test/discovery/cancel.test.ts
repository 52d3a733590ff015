// Cancelling a discovery run: nothing more is sent, requests in flight are dropped, discover() rejects
// at once. The "devices" are UDP sockets that count requests and never answer (no SNMP agent needed).
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { discover } from '../../src/discovery/discover.ts';
import type { Target } from '@netspotter/shared/snmp/target';

interface SilentDevice {
  port: number;
  received: () => number;
  close: () => Promise<void>;
}

async function silentDevice(): Promise<SilentDevice> {
  const socket: Socket = createSocket('udp4');
  let count = 0;
  socket.on('message', () => count++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    received: () => count,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let devices: SilentDevice[] = [];
afterEach(async () => {
  await Promise.all(devices.map((d) => d.close()));
  devices = [];
});

describe('cancelling discovery', () => {
  it('stops handing out targets and drops the requests in flight', async () => {
    devices = await Promise.all(Array.from({ length: 20 }, silentDevice));
    const targets: Target[] = devices.map((d) => ({
      address: '127.0.0.1',
      port: d.port,
      credential: { version: 'v2c', community: 'public' },
    }));
    const controller = new AbortController();
    const run = discover({ targets, concurrency: 4, timeoutMs: 5000, retries: 2, signal: controller.signal });
    const outcome = run.then(
      () => 'finished',
      (e: unknown) => e,
    );
    await sleep(300);
    const contacted = devices.filter((d) => d.received() > 0).length;
    expect(contacted).toBe(4); // the first four devices, each waiting for its 5 s timeout
    const sentBefore = devices.reduce((n, d) => n + d.received(), 0);

    const t0 = Date.now();
    controller.abort(new Error('cancelled by the test'));
    const result = await outcome;
    expect(Date.now() - t0).toBeLessThan(1000); // not the 5 s timeout of the requests in flight (slack for a loaded machine)
    expect((result as Error).message).toBe('cancelled by the test');

    await sleep(6000); // longer than one timeout: a retry or a next device would show up by now
    expect(devices.reduce((n, d) => n + d.received(), 0)).toBe(sentBefore);
    expect(devices.filter((d) => d.received() > 0)).toHaveLength(4);
  }, 20_000);

  it('a signal aborted before the start polls nothing', async () => {
    devices = [await silentDevice()];
    const controller = new AbortController();
    controller.abort(new Error('never mind'));
    await expect(
      discover({
        targets: [
          { address: '127.0.0.1', port: devices[0]!.port, credential: { version: 'v2c', community: 'x' } },
        ],
        signal: controller.signal,
      }),
    ).rejects.toThrow('never mind');
    await sleep(100);
    expect(devices[0]!.received()).toBe(0);
  });
});
