/**
 * Amazon's error bodies. Every SP-API model uses `{"errors":[{code, message, details?}]}` on failure
 * (docs/amazon.md#errors-and-headers). The A+ model requires `details` to be non-empty when
 * present, so empty details are dropped for A+ operations.
 */
export interface SpError {
  code: string;
  message: string;
  details?: string;
}

/** Thrown by handlers; the operation wrapper turns it into Amazon's answer. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: SpError[],
  ) {
    super(errors[0]?.message ?? `HTTP ${status}`);
  }
}

export const invalidInput = (message: string, details = ''): SimHttpError =>
  new SimHttpError(400, [{ code: 'InvalidInput', message, details }]);

export const notFound = (message: string, details = ''): SimHttpError =>
  new SimHttpError(404, [{ code: 'NotFound', message, details }]);

export const unauthorized = (details: string): SimHttpError =>
  new SimHttpError(403, [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details }]);

export const QUOTA_EXCEEDED: SpError = {
  code: 'QuotaExceeded',
  message: 'You exceeded your quota for the requested resource.',
  details: '',
};

export function serverError(status: 500 | 503): SpError {
  return status === 503
    ? { code: 'ServiceUnavailable', message: 'Service temporarily unavailable. Please try again later.', details: '' }
    : { code: 'InternalFailure', message: 'We encountered an internal error. Please try again.', details: '' };
}

export function errorBody(errors: SpError[], omitEmptyDetails: boolean): { errors: SpError[] } {
  return {
    errors: errors.map((e) =>
      omitEmptyDetails && !e.details ? { code: e.code, message: e.message } : { code: e.code, message: e.message, details: e.details ?? '' },
    ),
  };
}
