import { expect } from 'vitest';
import { BrokerError, type ErrorCode } from '../../src/errors.js';

/** An HTTP answer as `app.inject` gives it. */
export interface Answer {
  statusCode: number;
  body: string;
  json(): unknown;
}

/** The `error` of the contract's envelope. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  retry_after_s?: number;
  /** `field` names the input to fix; for SP_API_ERROR, Amazon's `status` and `errors`. */
  details?: { field?: string; status?: number; errors?: Record<string, unknown>[]; [detail: string]: unknown };
}

/**
 * Expects the contract's error envelope with `code` (and the HTTP `status` when given, and for a
 * field error `details.field`); answers the error, to check its message or details further.
 */
export function expectError(response: Answer, status: number, code: ErrorCode, field?: string): ErrorBody;
export function expectError(response: Answer, code: ErrorCode, field?: string): ErrorBody;
export function expectError(response: Answer, statusOrCode: number | ErrorCode, codeOrField?: string, field?: string): ErrorBody {
  const status = typeof statusOrCode === 'number' ? statusOrCode : undefined;
  const code = typeof statusOrCode === 'number' ? codeOrField : statusOrCode;
  const expectedField = typeof statusOrCode === 'number' ? field : codeOrField;
  if (status !== undefined) expect(response.statusCode, response.body).toBe(status);
  const body = response.json() as { ok?: unknown; error?: ErrorBody };
  expect(body.ok, response.body).toBe(false);
  expect(body.error?.code, response.body).toBe(code);
  if (expectedField !== undefined) expect(body.error?.details?.field, response.body).toBe(expectedField);
  return body.error as ErrorBody;
}

/**
 * Expects 200 with `ok: true`; answers `data`. Typed loosely on purpose: a test reads what the
 * broker answered and asserts each value it cares about.
 */
export function expectOk(response: Answer): any {
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json() as { ok?: unknown; data?: unknown };
  expect(body.ok, response.body).toBe(true);
  return body.data;
}

/** The BrokerError `promise` rejects with; fails the test when it fulfils. */
export const rejectionOf = (promise: Promise<unknown>): Promise<BrokerError> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as BrokerError,
  );

/** The field named by the INVALID_REQUEST `fn` throws; fails the test when `fn` throws anything else, or nothing. */
export function invalidField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BrokerError);
    expect((error as BrokerError).code).toBe('INVALID_REQUEST');
    return (error as BrokerError).details?.field as string;
  }
  throw new Error('expected INVALID_REQUEST');
}
