// Sends one RFC 5424 message to a syslog server: a datagram over UDP (RFC 5426), or an octet-counted
// frame over a fresh TCP or TLS connection (RFC 6587, RFC 5425). Alerts are rare; a connection per
// message keeps no state to go stale between them.
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP, connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { badRequest } from '../domain-errors.ts';
import { octetFrame } from './syslog-format.ts';

export interface SyslogTarget {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  ca?: string;
}

const TIMEOUT_MS = 10_000;
export const DEFAULT_PORT = { udp: 514, tcp: 514, tls: 6514 } as const;

/** The host's first address, or a 400 naming `field` when it does not resolve. */
export async function resolveSyslogHost(host: string, field = 'syslog.host') {
  try {
    return await lookup(host);
  } catch {
    throw badRequest(field, `host "${host}" does not resolve`);
  }
}

export async function sendSyslog(t: SyslogTarget, message: string): Promise<void> {
  const { address, family } = await lookup(t.host);
  if (t.transport === 'udp') {
    const sock = createSocket(family === 6 ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) =>
        sock.send(Buffer.from(message), t.port, address, (err) => (err ? reject(err) : resolve())),
      );
    } finally {
      sock.close();
    }
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const ready = t.transport === 'tls' ? 'secureConnect' : 'connect';
    const sock: Socket =
      t.transport === 'tls'
        ? tlsConnect({
            host: address,
            port: t.port,
            // SNI carries names only; a configured address is checked against the certificate's IP entries.
            ...(isIP(t.host) === 0 && { servername: t.host }),
            ...(t.ca && { ca: t.ca }),
          })
        : tcpConnect({ host: address, port: t.port });
    sock.setTimeout(TIMEOUT_MS, () => sock.destroy(new Error('timed out')));
    sock.once('error', reject);
    sock.once(ready, () => sock.end(octetFrame(message), () => resolve()));
  });
}
