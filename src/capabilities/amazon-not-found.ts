import { BrokerError, isBrokerError } from '../errors.js';

/**
 * Amazon's 404 for what the caller named (SKU, order) stays SP_API_ERROR with Amazon's status and
 * errors (docs/api.md#errors), but says in words which param Amazon does not know, and names the
 * field.
 */
export async function orNotFound<T>(call: () => Promise<T>, field: string, message: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isBrokerError(error) && error.code === 'SP_API_ERROR' && (error.details as { status?: unknown } | undefined)?.status === 404) {
      throw new BrokerError('SP_API_ERROR', `${field} ${message}`, { details: { ...error.details, field } });
    }
    throw error;
  }
}
