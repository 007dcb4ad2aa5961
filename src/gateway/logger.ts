import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { YogaLogger } from 'graphql-yoga';
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import type { RequestStart } from '../context/gateway-context.js';
import type { LogLevel } from './config.js';

export type { Logger };

/**
 * Fields that hold a secret wherever they appear in a logged object, two levels deep too:
 * tokens and API keys, payment nonces and verification tokens, card data. Nothing logs
 * headers or bodies on purpose; these catch an object logged whole by mistake.
 */
const SECRET_FIELDS = new Set([
  'authorization',
  'x-api-key',
  'token',
  'accessToken',
  'squareToken',
  'serverToken',
  'source_id',
  'sourceId',
  'verification_token',
  'verificationToken',
  'card_nonce',
  'cardNonce',
  'nonce',
  'cvv',
  'number',
  'pan',
  'gan',
]);
const CENSOR = '[Redacted]';

/**
 * `value` with every secret field at most `depth` levels into it censored: a copy of each
 * object on the way to one, the rest left as it is (never changed). pino's own `redact`,
 * given the same fields as paths (`token`, `*.token`, `*.*.token`, …), cost 40 µs a line,
 * every value of every line going through its wildcard paths; this walk costs about one.
 */
function redacted(value: unknown, depth: number, skip?: string): unknown {
  if (depth === 0 || value === null || typeof value !== 'object') return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    if (key === skip) continue;
    const inner = (value as Record<string, unknown>)[key];
    const next = SECRET_FIELDS.has(key) && inner !== undefined ? CENSOR : redacted(inner, depth - 1);
    if (next === inner) continue;
    copy ??= (Array.isArray(value) ? [...value] : Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as object, value)) as Record<string, unknown>;
    copy[key] = next;
  }
  return copy ?? value;
}

/**
 * Secrets inside text (an error's message or stack may quote a request): bearer tokens,
 * gateway API keys and their documents keys, Square's nonces and verification tokens, and card or gift card numbers.
 */
const SECRET_TEXT: Array<[RegExp, string]> = [
  [/\b(Bearer\s+)\S+/gi, '$1[Redacted]'],
  [/\b(gk|gd)_[\w-]+/g, '$1_[Redacted]'],
  [/\b(cnon|verf|ccof|cngh|gftc|fakeg|bnon):[\w-]+/gi, '$1:[Redacted]'],
  [/\b\d(?:[ -]?\d){12,18}\b/g, '[Redacted number]'],
];

export function scrub(text: string): string {
  return SECRET_TEXT.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

function scrubStrings<T>(value: T): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map(scrubStrings) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubStrings(v)])) as T;
  return value;
}

export interface LoggerOptions {
  level: LogLevel;
  /** `pretty` for people (pino-pretty, a dev dependency: JSON when it is not installed). */
  format: 'json' | 'pretty';
  /** Where lines go; stdout by default. Tests capture them here. */
  destination?: DestinationStream | undefined;
}

/** The gateway's one logger: JSON lines (or pretty ones), secrets redacted by field and scrubbed from text. */
export function createLogger({ level, format, destination }: LoggerOptions): Logger {
  const options = {
    level,
    formatters: {
      // A line's fields and the root's bindings, three levels deep; `err` once serialized, as one level under them.
      log: (object: Record<string, unknown>) => redacted(object, 3, 'err') as Record<string, unknown>,
      bindings: (bindings: Record<string, unknown>) => redacted(bindings, 3) as Record<string, unknown>,
    },
    serializers: { err: (error: Error) => redacted(scrubStrings(stdSerializers.err(error)), 2) },
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...args: unknown[]) => void) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg)));
      },
    },
  };
  const pretty = format === 'pretty' && !destination && prettyAvailable();
  const logger = pretty
    ? pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true } } })
    : destination
      ? pino(options, destination)
      : pino(options);
  // pino formats only the root's bindings: a child's (and its children's, which inherit this) are redacted on the way in.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, redacted(bindings, 3) as typeof bindings, childOptions);
  } as Logger['child'];
  return logger;
}

function prettyAvailable(): boolean {
  try {
    import.meta.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** What the server hands yoga with each request: its logger, a child carrying its id. */
export type CarriesLogger = Pick<RequestStart, 'logger'>;

/** The logger of the request yoga serves with `serverContext`, or `base` outside one. */
export function requestLogger(serverContext: CarriesLogger, base: Logger): Logger {
  return serverContext.logger ?? base;
}

/**
 * The request whose work is running, for yoga's own lines, which name none. Kept only
 * when debug lines are written (yoga's lines are debug lines): async context costs Node 20
 * about a millisecond of CPU a request (a hook on every promise), a third of a cached page.
 */
const yogaLines = new AsyncLocalStorage<Logger>();

/** An incoming id is kept when it is short and plain, so that it can be followed across services without being a way in. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** Probes are many and say nothing new: logged at debug only. */
const PROBES = new Set(['/healthz', '/readyz']);

/**
 * Wraps the server's handler: every request gets an id (`x-request-id`, the caller's own
 * when sane), a child logger carrying it for every line written while serving it (handed
 * to `handler` as yoga's server context, which the request's context is built on), and
 * one line when it ends. The line names the path only: a GET's query string may carry variables.
 */
export function withRequestLogs(handler: (request: IncomingMessage, response: ServerResponse, serverContext: CarriesLogger) => void, logger: Logger): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    const requestId = requestIdOf(request.headers['x-request-id']);
    response.setHeader('x-request-id', requestId);
    const log = logger.child({ requestId });
    const started = performance.now();
    const path = (request.url ?? '/').split('?')[0];
    response.once('close', () => {
      const line = { method: request.method, path, status: response.statusCode, ms: Math.round(performance.now() - started) };
      const ended = response.writableFinished ? 'request' : 'request ended by the client';
      if (PROBES.has(path ?? '')) log.debug(line, ended);
      else log.info(line, ended);
    });
    const serverContext = { logger: log };
    if (logger.isLevelEnabled('debug')) yogaLines.run(log, () => handler(request, response, serverContext));
    else handler(request, response, serverContext);
  };
}

/**
 * yoga's logger (and every component given it): while debug lines are written, on the
 * current request's logger. Errors that `skip` says are logged elsewhere (with their
 * request's id) are not written twice.
 */
export function yogaLogger(base: Logger, skip: (value: unknown) => boolean = () => false): YogaLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      if (args.some(skip)) return;
      const log = yogaLines.getStore() ?? base;
      const error = args.find((arg) => arg instanceof Error);
      const message = args.filter((arg) => arg !== error).map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
      if (error) log[level]({ err: error }, message || error.message);
      else log[level](message);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
