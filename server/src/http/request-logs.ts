// What a request logs. Agents' protocol requests (beats, clock probes, leases, uploads: 1,000 agents make
// 200+ a second) log no "incoming request" / "request completed" lines: at the default `info` level those
// were 400+ lines a second of routine. One that is refused (4xx: a revoked key, a job not theirs) logs a
// line, as every 5xx does (the error handler); every other request logs as before.
//
// A request's child logger is made the first time the request logs at an enabled level. Pino runs the
// redaction of every binding when a child is made, wildcard paths included: ~20 kB of garbage per request,
// for a logger most requests never use.
import {
  LogController,
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { Bindings, Level, Logger } from 'pino';

const LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
type LogMethod = (...args: unknown[]) => void;

/**
 * A logger with its bindings, that becomes `parent.child(bindings)` when a line is logged through it. A class,
 * so a request allocates one small object (closures per method cost ~4 kB a request).
 */
export class LazyChild {
  declare readonly fatal: LogMethod;
  declare readonly error: LogMethod;
  declare readonly warn: LogMethod;
  declare readonly info: LogMethod;
  declare readonly debug: LogMethod;
  declare readonly trace: LogMethod;
  #made: Logger | undefined;

  // The level methods live on the prototype, so a request allocates no function of its own.
  static {
    for (const level of LEVELS)
      Object.defineProperty(LazyChild.prototype, level, {
        value(this: LazyChild, ...args: unknown[]) {
          this.#log(level, args);
        },
      });
  }

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  #real(): Logger {
    return (this.#made ??= this.parent.child(this.bindings));
  }

  #log(level: Level, args: unknown[]): void {
    if (this.isLevelEnabled(level)) (this.#real()[level] as LogMethod)(...args);
  }

  isLevelEnabled(level: string): boolean {
    return (this.#made ?? this.parent).isLevelEnabled(level);
  }

  get level(): string {
    return (this.#made ?? this.parent).level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  silent(): void {}

  child(bindings: Bindings, options?: object): Logger {
    return this.#real().child(bindings, options);
  }
}

/** Requests of the agents' own protocol. */
export const agentProtocol = (url: string | undefined) => url?.startsWith('/api/agent/') === true;

export const requestLogOptions: Pick<FastifyServerOptions, 'logController' | 'childLoggerFactory'> = {
  logController: new LogController({
    disableRequestLogging: (req) => agentProtocol((req as { url?: string }).url),
  }),
  // A route with a log level or serializers of its own gets its child at once, as Fastify makes it.
  childLoggerFactory: (logger, bindings, options) =>
    options.level || options.serializers
      ? logger.child(bindings, options)
      : (new LazyChild(logger as unknown as Logger, bindings) as unknown as FastifyBaseLogger),
};

/**
 * onResponse of an agent's request: a refused one logs one line, with what the routine lines would have said.
 * Called from the hook that already handles agents' requests, rather than a hook of its own on every request.
 */
export function logAgentRefusal(req: FastifyRequest, reply: FastifyReply): void {
  if (reply.statusCode >= 400 && reply.statusCode < 500)
    req.log.info({ req, res: reply, responseTime: reply.elapsedTime }, 'agent request refused');
}
