// Real receivers of alert notifications a test starts on loopback: an HTTP webhook endpoint (which can be
// told to fail its first answers) and a syslog listener over UDP and TCP (octet-counted frames).
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { splitFrames } from '../../src/alerts/syslog-format.ts';

export interface WebhookCall {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export async function startWebhookReceiver(failFirst = 0) {
  const calls: WebhookCall[] = [];
  let tries = 0;
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      tries++;
      if (tries <= failFirst) {
        res.writeHead(503).end();
        return;
      }
      calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    calls,
    get tries() {
      return tries;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function startSyslogListener() {
  const udp: string[] = [];
  const tcp: string[] = [];
  const sock = createSocket('udp4');
  sock.on('message', (m) => udp.push(m.toString('utf8')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const server = createTcpServer((conn) => {
    let rest: Buffer = Buffer.alloc(0);
    conn.on('data', (d: Buffer) => {
      const r = splitFrames(Buffer.concat([rest, d]));
      tcp.push(...r.messages);
      rest = r.rest;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    udpPort: sock.address().port,
    tcpPort: (server.address() as AddressInfo).port,
    udp,
    tcp,
    close: async () => {
      sock.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
