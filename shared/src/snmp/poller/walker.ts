// SNMP GET and table walks over one session: GETBULK with a shrinking budget, GETNEXT fallback,
// termination on leaving the column, endOfMibView/noSuchObject, or a non-increasing OID.
import snmp, { type Session, type Varbind } from 'net-snmp';
import type { TableSpec } from '../oids.ts';
import { compareOids, isUnder } from './oid.ts';
import { heard } from './session.ts';

export type FailureKind =
  'timeout' | 'malformed' | 'auth' | 'too-big' | 'no-such-name' | 'network' | 'protocol';

export class SnmpFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

/** Maps net-snmp's error classes onto what the run report needs to say. */
export function classify(error: Error): SnmpFailure {
  if (error instanceof SnmpFailure) return error;
  const e = error as Error & { status?: number; code?: number };
  if (e.name === 'RequestTimedOutError') return new SnmpFailure('timeout', 'no response (timeout)');
  const code = (error as NodeJS.ErrnoException).code;
  if (
    code === 'ENETUNREACH' ||
    code === 'EHOSTUNREACH' ||
    code === 'EADDRNOTAVAIL' ||
    code === 'EAFNOSUPPORT'
  )
    return new SnmpFailure('network', `network: ${code} (cannot send to the target)`);
  if (e.name === 'RequestFailedError' && e.status === snmp.ErrorStatus.TooBig)
    return new SnmpFailure('too-big', 'tooBig');
  // SNMPv1 reports a missing object (GET) or the end of the MIB (GETNEXT) as an error status.
  if (e.name === 'RequestFailedError' && e.status === snmp.ErrorStatus.NoSuchName)
    return new SnmpFailure('no-such-name', 'noSuchName');
  if (e.name === 'ResponseInvalidError' && (e.code === 5 || e.code === 14 || e.code === 4))
    return new SnmpFailure('auth', `SNMPv3 authentication failed: ${e.message}`);
  // The reply decoded, but not into an answer to what was asked (bad address size, unknown object or PDU
  // type, other OIDs than requested, a broken varbind list): a malformed reply, e.g. a truncated one.
  if (e.name === 'ResponseInvalidError' && [1, 2, 3, 6, 15].includes(e.code ?? 0))
    return new SnmpFailure('malformed', `malformed reply: ${e.message}`);
  if (e.name === 'RequestFailedError' && e.status === snmp.ErrorStatus.AuthorizationError)
    return new SnmpFailure('auth', 'authorization error');
  return new SnmpFailure('protocol', `${e.name}: ${e.message}`);
}

/** Counter64 arrives as a minimal two's-complement Buffer (may be shorter than 8 octets or carry a 0x00 pad). */
function valueOf(vb: Varbind): unknown {
  if (vb.type === snmp.ObjectType.Counter64 && Buffer.isBuffer(vb.value))
    return vb.value.length === 0 ? 0n : BigInt('0x' + vb.value.toString('hex'));
  return vb.value;
}

/** Something that went wrong in one table; the walk keeps what it got. */
export interface WalkIssue {
  table: string;
  reason: string;
}

export interface WalkerSettings {
  /** Varbinds asked per GETBULK (split across the columns walked together); 0 = GETNEXT only (SNMPv1). */
  bulkBudget: number;
  /** Rows kept per column before the walk stops and reports truncation. */
  maxRows: number;
  /** Wall-clock time (ms since the epoch) after which no request is sent to this device. */
  deadline?: number;
}

/** Rows keyed by the index part of the OID; each row maps column name → raw value. */
export type Rows = Map<string, Record<string, unknown>>;

export class Walker {
  private budget: number;
  readonly issues: WalkIssue[] = [];
  requests = 0;
  /** Varbinds received: the work the agent did for us. */
  varbinds = 0;
  private timeouts = 0;
  private answered = false;

  constructor(
    private readonly session: Session,
    private readonly settings: WalkerSettings,
    private readonly onTable: (table: string) => void = () => {},
    private readonly signal?: AbortSignal,
  ) {
    this.budget = settings.bulkBudget;
    // Closing the socket fails the requests in flight at once instead of leaving them to time out.
    signal?.addEventListener('abort', () => this.close(), { once: true });
  }

  /** True once the agent has answered a request on this session. */
  get responsive(): boolean {
    return this.answered;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.session.close();
  }

  private closed = false;

  /** GET of scalars; absent objects are simply missing from the result. */
  async get(oids: string[]): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    let varbinds: Varbind[];
    try {
      varbinds = await this.request<Varbind[]>((cb) => this.session.get(oids, cb));
    } catch (error) {
      this.signal?.throwIfAborted();
      // SNMPv1 fails the whole GET when one object is missing: ask for each object alone.
      if (classify(error as Error).kind !== 'no-such-name' || oids.length === 1)
        throw classify(error as Error);
      for (const oid of oids) {
        const one = await this.get([oid]).catch((e: unknown) => {
          if (e instanceof SnmpFailure && e.kind === 'no-such-name') return new Map<string, unknown>();
          throw e;
        });
        for (const [k, v] of one) out.set(k, v);
      }
      return out;
    }
    for (const vb of varbinds) if (!snmp.isVarbindError(vb)) out.set(vb.oid, valueOf(vb));
    return out;
  }

  /**
   * Walks the named columns of a table side by side (one request carries every unfinished column).
   * Never throws for the device's sake: a failure is recorded as an issue and the rows received so far
   * are returned. Only a cancelled run rejects (with the signal's reason).
   * After two timed-out tables the device is treated as gone and later walks are skipped.
   */
  async walk(name: string, spec: TableSpec, columns = Object.keys(spec.columns)): Promise<Rows> {
    this.onTable(name);
    const rows: Rows = new Map();
    if (this.timeouts >= 2) {
      this.issues.push({ table: name, reason: 'skipped: device stopped answering' });
      return rows;
    }
    if (this.pastDeadline()) {
      this.issues.push({ table: name, reason: 'skipped: device time budget used up' });
      return rows;
    }
    const cols = columns.map((c) => ({
      name: c,
      prefix: `${spec.entry}.${spec.columns[c]}`,
      last: '',
      count: 0,
      done: false,
    }));
    for (const c of cols) c.last = c.prefix;
    let answered = false;
    // Start with few repetitions and double them: most tables probed are empty or short, and every
    // repetition past a column's end is work the agent does for nothing.
    let reps = 4;
    while (cols.some((c) => !c.done)) {
      if (this.pastDeadline()) {
        this.issues.push({ table: name, reason: 'truncated: device time budget used up mid-table' });
        break;
      }
      const active = cols.filter((c) => !c.done);
      let results: Varbind[][];
      try {
        results = await this.fetch(
          active.map((c) => c.last),
          reps,
        );
        reps *= 2;
      } catch (error) {
        this.signal?.throwIfAborted();
        const failure = classify(error as Error);
        if (failure.kind === 'no-such-name' && active.length === 1) break; // SNMPv1 end of MIB view
        if (failure.kind === 'no-such-name') {
          // SNMPv1 fails the whole GETNEXT when one column ran off the end: walk columns one at a time.
          for (const c of active) {
            const rest = await this.walk(name, spec, [c.name]);
            for (const [index, row] of rest) rows.set(index, { ...rows.get(index), ...row });
          }
          break;
        }
        if (failure.kind === 'timeout' || failure.kind === 'malformed') this.timeouts++;
        this.issues.push({
          table: name,
          reason: `${answered ? 'partial walk' : 'failed'}: ${failure.message}`,
        });
        break;
      }
      answered = true;
      active.forEach((c, i) => {
        for (const vb of results[i] ?? []) {
          if (snmp.isVarbindError(vb) || !isUnder(vb.oid, c.prefix)) {
            c.done = true;
            return;
          }
          if (compareOids(vb.oid, c.last) <= 0) {
            this.issues.push({
              table: name,
              reason: `non-increasing OID ${vb.oid} after ${c.last}; column ${c.name} stopped`,
            });
            c.done = true;
            return;
          }
          c.last = vb.oid;
          const index = vb.oid.slice(c.prefix.length + 1);
          let row = rows.get(index);
          if (!row) rows.set(index, (row = {}));
          row[c.name] = valueOf(vb);
          if (++c.count >= this.settings.maxRows) {
            this.issues.push({ table: name, reason: `truncated at ${this.settings.maxRows} rows` });
            c.done = true;
            return;
          }
        }
        if ((results[i] ?? []).length === 0) c.done = true;
      });
    }
    return rows;
  }

  private pastDeadline(): boolean {
    return this.settings.deadline !== undefined && Date.now() >= this.settings.deadline;
  }

  /** One GETBULK (or GETNEXT), halving the budget on timeout/tooBig down to GETNEXT. */
  private async fetch(oids: string[], reps: number): Promise<Varbind[][]> {
    for (;;) {
      const fit = Math.floor(this.budget / oids.length);
      const perColumn = Math.min(fit, reps);
      try {
        if (perColumn >= 2) {
          return await this.request<Varbind[][]>((cb) => this.session.getBulk(oids, 0, perColumn, cb));
        }
        const single = await this.request<Varbind[]>((cb) => this.session.getNext(oids, cb));
        return single.map((vb) => [vb]);
      } catch (error) {
        this.signal?.throwIfAborted();
        const failure = classify(error as Error);
        // A session that never answered is not slow, it is refusing us: shrinking would only multiply timeouts.
        const shrinkable = failure.kind === 'too-big' || (failure.kind === 'timeout' && this.answered);
        if (!shrinkable || perColumn < 2) throw failure;
        // Misbehaving agents answer big GETBULKs late or with tooBig: halve, and end at GETNEXT.
        this.budget = perColumn <= 2 ? 0 : Math.floor((perColumn * oids.length) / 2);
        this.issues.push({
          table: 'poller',
          reason: `${failure.kind}: max-repetitions reduced to ${Math.floor(this.budget / oids.length)}`,
        });
      }
    }
  }

  /** Rejects with the abort reason once the run is cancelled, so no walk records it as a device failure. */
  /** A timeout although datagrams came back (garbage, truncated, not an answer to us): say so. */
  private timedOutAfterReplies(error: Error, before: number): SnmpFailure | undefined {
    if (error.name !== 'RequestTimedOutError') return undefined;
    const h = heard(this.session);
    const n = h.datagrams - before;
    if (n === 0) return undefined;
    return new SnmpFailure(
      'malformed',
      `malformed reply: the agent answered (${n} datagram${n === 1 ? '' : 's'}) but not with a valid SNMP response${h.undecodable ? ` (${h.undecodable})` : ''}`,
    );
  }

  private request<T>(send: (cb: (error: Error | null, result: T) => void) => void): Promise<T> {
    this.signal?.throwIfAborted();
    this.requests++;
    const before = heard(this.session).datagrams;
    return new Promise((resolve, reject) => {
      try {
        send((error, result) => {
          if (this.signal?.aborted) return reject(this.signal.reason);
          if (error) return reject(this.timedOutAfterReplies(error, before) ?? error);
          this.answered = true;
          this.varbinds += Array.isArray(result) ? result.flat().length : 0;
          resolve(result);
        });
      } catch (error) {
        reject(error as Error);
      }
    });
  }
}
