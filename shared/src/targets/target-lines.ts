// Parses a pasted (or file) list of targets, one per line:
//   ADDRESS[:PORT] [COMMUNITY]
//   ADDRESS[:PORT] v1|v2c COMMUNITY
//   ADDRESS[:PORT] v3 USER [AUTHPROTO AUTHKEY [PRIVPROTO PRIVKEY]]
// ADDRESS is IPv4, IPv6 (bare, [bracketed], with %zone) or a CIDR range. `#` starts a comment.
// Every bad line is reported with its number and reason; secrets are never put in a reason.
import {
  AddressError,
  parseAddressOrRange,
  targetAddressProblem,
  type ParsedAddress,
} from '../net/address.ts';
import {
  checkV3,
  type AuthProtocol,
  type PrivProtocol,
  type SnmpCredentialInput,
} from './snmp-credential.ts';

export interface TargetLine {
  line: number;
  address: ParsedAddress;
  port?: number;
  credential?: SnmpCredentialInput;
}

export interface TargetLineError {
  line: number;
  reason: string;
}

export interface TargetLineOptions {
  /** Largest range (in addresses) one line may cover. */
  maxRange?: number;
  /** Community for lines that name none. */
  defaultCommunity?: string;
  /** Accept `:PORT` after the address (CLI target files). */
  allowPort?: boolean;
  /** The number of the text's first line, when it is a part of a longer list (default 1). */
  firstLine?: number;
}

export interface ParsedTargetLines {
  targets: TargetLine[];
  errors: TargetLineError[];
}

export function parseTargetLines(text: string, opts: TargetLineOptions = {}): ParsedTargetLines {
  const targets: TargetLine[] = [];
  const errors: TargetLineError[] = [];
  const first = opts.firstLine ?? 1;
  text.split(/\r?\n/).forEach((raw, i) => {
    const content = raw.replace(/#.*/, '').trim();
    if (!content) return;
    try {
      targets.push(parseLine(content, first + i, opts));
    } catch (err) {
      if (!(err instanceof LineError || err instanceof AddressError)) throw err;
      errors.push({ line: first + i, reason: err.message });
    }
  });
  return { targets, errors };
}

class LineError extends Error {}

function splitPort(token: string, allowPort: boolean): { host: string; port?: number } {
  let host = token;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(token);
  if (bracketed) [, host = '', portText] = bracketed;
  else if (/^[\d.]+:\d+$/.test(token)) [host = '', portText] = token.split(':');
  if (portText === undefined) return { host };
  if (!allowPort) throw new LineError('a port is not allowed here');
  const port = Number(portText);
  if (!(port >= 1 && port <= 65535)) throw new LineError(`port ${portText} must be 1 to 65535`);
  return { host, port };
}

function parseLine(content: string, line: number, opts: TargetLineOptions): TargetLine {
  const [first = '', ...rest] = content.split(/\s+/);
  const { host, port } = splitPort(first, opts.allowPort ?? false);
  const address = parseAddressOrRange(host);
  const problem = targetAddressProblem(address);
  if (problem) throw new LineError(problem);
  if (opts.maxRange !== undefined && address.size > BigInt(opts.maxRange)) {
    throw new LineError(
      `range ${address.text} has ${address.size} addresses, more than the limit of ${opts.maxRange}`,
    );
  }
  const target: TargetLine = { line, address, ...(port !== undefined && { port }) };
  const credential = parseCredential(rest, opts.defaultCommunity);
  if (credential) target.credential = credential;
  return target;
}

function parseCredential(words: string[], defaultCommunity?: string): SnmpCredentialInput | undefined {
  const [head, ...tail] = words;
  if (head === undefined)
    return defaultCommunity ? { version: 'v2c', community: defaultCommunity } : undefined;
  if (head === 'v1' || head === 'v2c') {
    if (tail.length !== 1) throw new LineError(`expected "${head} COMMUNITY"`);
    return { version: head, community: tail[0]! };
  }
  if (head === 'v3') {
    if (![1, 3, 5].includes(tail.length)) {
      throw new LineError('expected "v3 USER [AUTHPROTO AUTHKEY [PRIVPROTO PRIVKEY]]"');
    }
    const [user = '', authProtocol, authKey, privProtocol, privKey] = tail;
    const cred: SnmpCredentialInput = {
      version: 'v3',
      user,
      ...(authProtocol !== undefined && {
        authProtocol: authProtocol.toLowerCase() as AuthProtocol,
        authKey,
      }),
      ...(privProtocol !== undefined && {
        privProtocol: privProtocol.toLowerCase() as PrivProtocol,
        privKey,
      }),
    };
    const problems = checkV3(cred);
    if (problems.length) throw new LineError(problems.map(([f, r]) => `${f} ${r}`).join('; '));
    return cred;
  }
  if (words.length !== 1) throw new LineError('expected "ADDRESS [COMMUNITY]" or "ADDRESS v3 USER ..."');
  return { version: 'v2c', community: head };
}
