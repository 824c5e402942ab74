import Type, { type TSchema } from 'typebox';
import { ERROR_CODES } from '../errors.js';

/**
 * The API's envelopes (docs/api.md#calling-a-capability, docs/api.md#errors), used by every route
 * schema and so by openapi.yaml.
 */
export const ErrorEnvelope = Type.Object(
  {
    ok: Type.Literal(false),
    error: Type.Object({
      code: Type.Enum(ERROR_CODES),
      message: Type.String(),
      retry_after_s: Type.Optional(Type.Integer({ minimum: 0 })),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'ErrorEnvelope', description: 'Every failure: a stable code, a readable message, and details where they help.' },
);

/** A success envelope; `options` carry the route's documentation (examples). */
export const Ok = <T extends TSchema>(data: T, options: { examples?: unknown[]; description?: string } = {}) =>
  Type.Object({ ok: Type.Literal(true), data }, options);

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, Type.Ref('ErrorEnvelope')])) as Record<number, TSchema>;
