// Target file lines: `ADDRESS[:PORT] [COMMUNITY]` or `ADDRESS[:PORT] v3 USER AUTHPROTO AUTHKEY PRIVPROTO PRIVKEY`
// (IPv6 with a port as `[::1]:1161`), `#` comments and blank lines ignored. Pure: errors are returned per line.
import { isIP } from 'node:net';
import type { AuthProtocol, PrivProtocol, Target } from './target.ts';

export interface TargetLineError {
  line: number;
  reason: string;
}

const AUTH: AuthProtocol[] = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'];
const PRIV: PrivProtocol[] = ['des', 'aes', 'aes256b', 'aes256r'];

export function parseTargetFile(
  text: string,
  defaultCommunity = 'public',
): { targets: Target[]; errors: TargetLineError[] } {
  const targets: Target[] = [];
  const errors: TargetLineError[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const parsed = parseTargetLine(line, defaultCommunity);
    if (typeof parsed === 'string') errors.push({ line: i + 1, reason: parsed });
    else targets.push(parsed);
  });
  return { targets, errors };
}

/** One line → a target, or the reason it is not one. */
export function parseTargetLine(line: string, defaultCommunity = 'public'): Target | string {
  const [hostPort, ...rest] = line.split(/\s+/);
  const endpoint = parseEndpoint(hostPort ?? '');
  if (typeof endpoint === 'string') return endpoint;
  if (rest[0]?.toLowerCase() !== 'v3') {
    if (rest.length > 1) return `expected ADDRESS[:PORT] [COMMUNITY], got ${rest.length + 1} fields`;
    return { ...endpoint, credential: { version: 'v2c', community: rest[0] ?? defaultCommunity } };
  }
  const [, user, authProto, authKey, privProto, privKey, ...extra] = rest;
  if (!user) return 'v3 needs USER AUTHPROTO AUTHKEY PRIVPROTO PRIVKEY';
  if (extra.length > 0) return 'too many fields after v3 PRIVKEY';
  const auth = authProto?.toLowerCase();
  if (auth !== undefined && !AUTH.includes(auth as AuthProtocol))
    return `unknown auth protocol ${authProto} (${AUTH.join(', ')})`;
  if (auth !== undefined && !authKey) return 'auth protocol given without AUTHKEY';
  const priv = privProto?.toLowerCase();
  if (priv !== undefined && !PRIV.includes(priv as PrivProtocol))
    return `unknown privacy protocol ${privProto} (${PRIV.join(', ')})`;
  if (priv !== undefined && !privKey) return 'privacy protocol given without PRIVKEY';
  for (const key of [authKey, privKey])
    if (key !== undefined && key.length < 8) return 'v3 keys must be at least 8 characters';
  const credential: Target['credential'] = { version: 'v3', user };
  if (auth && authKey) Object.assign(credential, { authProtocol: auth, authKey });
  if (priv && privKey) Object.assign(credential, { privProtocol: priv, privKey });
  return { ...endpoint, credential };
}

function parseEndpoint(text: string): { address: string; port?: number } | string {
  let address = text;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) {
    address = bracket[1]!;
    portText = bracket[2];
  } else if (isIP(text) !== 6 && text.includes(':')) {
    const at = text.lastIndexOf(':');
    address = text.slice(0, at);
    portText = text.slice(at + 1);
  }
  if (!isIP(address)) return `not an IPv4/IPv6 address: ${address}`;
  if (portText === undefined) return { address };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return `bad port: ${portText}`;
  return { address, port };
}
