import type { FastifyBaseLogger } from 'fastify';
import pino, { type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { ChunkedWriter } from './chunked-writer.js';
import type { Config } from './config.js';

/**
 * Secrets never reach a log line: every place a token, key or Amazon credential can sit,
 * at any depth we log, is censored here (tested by grepping captured output for a minted token).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-amz-access-token"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-amz-access-token"]',
  '*.authorization',
  '*.job_token',
  '*.refresh_token',
  '*.access_token',
  '*.client_secret',
  '*.internal_api_key',
  '*.internalApiKey',
  '*.vaultKeys',
  '*.lwaClientSecret',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.spapi_oauth_code',
  // OAuth states are single-use bearer values until consumed.
  '*.oauth_state',
  '*["x-amz-access-token"]',
  '*.*.authorization',
  '*.*.refresh_token',
  '*.*.access_token',
  '*.*["x-amz-access-token"]',
  'job_token',
  'refresh_token',
  'access_token',
  'authorization',
];

const BASE = { service: 'capability-broker' };
/**
 * stdout, written in chunks of ~32 KB instead of one system call per line (with a line per
 * request, a system call each is a visible part of a call's cost), flushed at least every 250 ms,
 * when the app closes and at exit (src/chunked-writer.ts).
 */
export function logDestination(): ChunkedWriter {
  return new ChunkedWriter(1);
}

function pinoLogger(config: Pick<Config, 'logLevel'>, destination: DestinationStream | undefined, redact?: LoggerOptions['redact']): Logger {
  const options: LoggerOptions = { level: config.logLevel, base: BASE, timestamp: pino.stdTimeFunctions.isoTime, ...(redact ? { redact } : {}) };
  return destination ? pino(options, destination) : pino(options);
}

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  return pinoLogger(config, destination, { paths: REDACT_PATHS, censor: '[redacted]' });
}

/**
 * The access log (one line per request): fixed fields only — request id, method, route pattern
 * (never the URL), status, milliseconds — none of which can hold a secret. So it needs no
 * redaction, and its line is written directly in the format of the loggers above (same fields,
 * same order as pino's), which is cheaper than pino's generic path on every request.
 */
export function createAccessLog(config: Pick<Config, 'logLevel'>, destination: DestinationStream): AccessLog {
  const enabled = pinoLogger(config, destination).isLevelEnabled('info');
  const head = `{"level":${pino.levels.values.info},"time":"`;
  const base = `",${JSON.stringify(BASE).slice(1, -1)},"request_id":`;
  // Per request only the id, status and ms change: the time is formatted once per millisecond, and
  // methods and route patterns (few) once each.
  let timeMs = -1;
  let timeText = '';
  const quoted = new Map<string, string>();
  const quote = (text: string) => {
    let json = quoted.get(text);
    if (json === undefined) {
      json = JSON.stringify(text);
      if (quoted.size < 1_000) quoted.set(text, json);
    }
    return json;
  };
  return {
    requestCompleted: ({ request_id, method, route, status, ms }) => {
      if (!enabled) return;
      const now = Date.now();
      if (now !== timeMs) {
        timeMs = now;
        timeText = new Date(now).toISOString();
      }
      // Request ids are generated (UUIDs) or a caller's that matched REQUEST_ID: no escaping needed.
      const id = REQUEST_ID.test(request_id) ? `"${request_id}"` : JSON.stringify(request_id);
      destination.write(
        `${head}${timeText}${base}${id},"method":${quote(method)},"route":${quote(route)},"status":${status},"ms":${ms},"msg":"request completed"}\n`,
      );
    },
  };
}

/** A caller's x-request-id the broker takes as its own (app.ts genReqId): short, and plain JSON as it is. */
export const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface AccessLog {
  requestCompleted(line: { request_id: string; method: string; route: string; status: number; ms: number }): void;
}

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Fastify's per-request logger, made on the first line a request logs at an enabled level: most
 * requests log nothing but their access line (which has a logger of its own), and a pino child
 * made for every request is a visible part of a call's cost. Lines are exactly the child's.
 */
class LazyRequestLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger & Pick<Logger, 'isLevelEnabled'>,
    private readonly bindings: Bindings,
  ) {}

  get level() {
    return this.#child?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.made().level = level;
  }

  fatal(...args: unknown[]) {
    this.write('fatal', args);
  }
  error(...args: unknown[]) {
    this.write('error', args);
  }
  warn(...args: unknown[]) {
    this.write('warn', args);
  }
  info(...args: unknown[]) {
    this.write('info', args);
  }
  debug(...args: unknown[]) {
    this.write('debug', args);
  }
  trace(...args: unknown[]) {
    this.write('trace', args);
  }
  silent() {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.made().child(bindings, options);
  }

  private made(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings);
    return this.#child;
  }

  private write(level: LevelName, args: unknown[]) {
    if (!this.#child && !this.parent.isLevelEnabled(level)) return;
    (this.made()[level] as (...a: unknown[]) => void)(...args);
  }
}

/** Fastify's `childLoggerFactory`: lazy unless the route sets options of its own (e.g. a log level). */
export function requestLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (Object.keys(options).length > 0) return parent.child(bindings, options);
  return new LazyRequestLogger(parent as FastifyBaseLogger & Pick<Logger, 'isLevelEnabled'>, bindings);
}
