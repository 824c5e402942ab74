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

export const invalidRequest = (message: string, details?: Record<string, unknown>, httpStatus?: number) =>
  new BrokerError('INVALID_REQUEST', message, { ...(details ? { details } : {}), ...(httpStatus ? { httpStatus } : {}) });
