/**
 * The one closed set of error codes callers depend on (docs/api.md#errors), and the only place
 * that maps them to HTTP. Expected failures are BrokerError values; anything else is INTERNAL_ERROR.
 */
export const ERROR_STATUS = {
  INVALID_TOKEN: 401,
  ORDER_NOT_FOUND: 404,
  INVALID_REQUEST: 400,
  CAPABILITY_NOT_ALLOWED: 403,
  NO_CONNECTION: 409,
  TOKEN_EXPIRED: 409,
  RATE_LIMIT: 429,
  SP_API_ERROR: 502,
  INTERNAL_ERROR: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export interface BrokerErrorOptions {
  /** Overrides the code's default HTTP status where the contract says so (413, 422, 409, 503). */
  httpStatus?: number;
  retryAfterS?: number;
  details?: Record<string, unknown>;
  /** Whether a caller may safely retry the same request later (transient upstream failures). */
  retryable?: boolean;
  cause?: unknown;
}

export class BrokerError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly retryAfterS?: number;
  readonly details?: Record<string, unknown>;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: BrokerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BrokerError';
    this.code = code;
    this.httpStatus = options.httpStatus ?? ERROR_STATUS[code];
    if (options.retryAfterS !== undefined) this.retryAfterS = options.retryAfterS;
    if (options.details !== undefined) this.details = options.details;
    this.retryable = options.retryable ?? (code === 'RATE_LIMIT');
  }
}

export function isBrokerError(error: unknown): error is BrokerError {
  return error instanceof BrokerError;
}

export interface ErrorBody {
  ok: false;
  error: { code: ErrorCode; message: string; retry_after_s?: number; details?: Record<string, unknown> };
}

export function errorBody(error: BrokerError): ErrorBody {
  return {
    ok: false,
    error: {
      code: error.code,
      message: error.message,
      ...(error.retryAfterS !== undefined ? { retry_after_s: error.retryAfterS } : {}),
      ...(error.details !== undefined ? { details: error.details } : {}),
    },
  };
}

const withDetails = (details?: Record<string, unknown>) => (details ? { details } : {});

/** 400: the body or params fail a rule (name the field in `details.field`). */
export const invalidRequest = (message: string, details?: Record<string, unknown>) => new BrokerError('INVALID_REQUEST', message, withDetails(details));

/**
 * INVALID_REQUEST answered with a status of its own, where the contract (docs/api.md#errors) or HTTP
 * gives one: these and ERROR_STATUS are the only places a status is chosen.
 */
/** 404: a named thing (confirmation, token, feed of this order, route) does not exist for this caller. */
export const notFound = (message: string, details?: Record<string, unknown>) => new BrokerError('INVALID_REQUEST', message, { httpStatus: 404, ...withDetails(details) });
/** 405: the route exists, not with this method. */
export const methodNotAllowed = (message: string) => new BrokerError('INVALID_REQUEST', message, { httpStatus: 405 });
/** 409: the request is well formed but the thing's state refuses it (applied, rejected, bound to another buyer). */
export const conflict = (message: string, details?: Record<string, unknown>) => new BrokerError('INVALID_REQUEST', message, { httpStatus: 409, ...withDetails(details) });
/** 413: the body is over BODY_LIMIT_BYTES. */
export const payloadTooLarge = (message: string, details?: Record<string, unknown>) => new BrokerError('INVALID_REQUEST', message, { httpStatus: 413, ...withDetails(details) });
/** 414: a path parameter is over the router's limit. */
export const uriTooLong = (message: string) => new BrokerError('INVALID_REQUEST', message, { httpStatus: 414 });
/** 422: an Idempotency-Key reused with another body. */
export const unprocessable = (message: string, details?: Record<string, unknown>) => new BrokerError('INVALID_REQUEST', message, { httpStatus: 422, ...withDetails(details) });
/** 4xx that Fastify raised and no rule above names: its own status, kept. */
export const clientError = (message: string, httpStatus: number) => new BrokerError('INVALID_REQUEST', message, { httpStatus });
/** 503: the broker's own database is out; retry shortly. */
export const unavailable = (message: string) => new BrokerError('INTERNAL_ERROR', message, { httpStatus: 503, retryAfterS: 1, retryable: true });

/**
 * The same failure told with more (what had already happened, and details to act on): its code,
 * status and retry hint kept; whether it is retryable goes back to the code's default, since the
 * caller's situation changed.
 */
export const retold = (error: BrokerError, message: string, details: Record<string, unknown>) =>
  new BrokerError(error.code, message, { httpStatus: error.httpStatus, details, ...(error.retryAfterS === undefined ? {} : { retryAfterS: error.retryAfterS }) });
/** A failure recorded earlier (a confirmation's outcome), answered again with the status it was given then. */
export const replayed = (code: ErrorCode, message: string, httpStatus: number, details?: Record<string, unknown>) =>
  new BrokerError(code, message, { httpStatus, ...withDetails(details) });
