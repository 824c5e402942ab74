import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/resilient-pool.js';
import { BrokerError, errorBody, isBrokerError } from '../errors.js';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

/** "body.params.page_size must be <= 20": names the field, as agents need to fix their call. */
export function describeValidation(issues: ValidationIssue[], context: string): { message: string; field: string } {
  const useful = issues.filter((i) => i.keyword !== 'anyOf' && i.keyword !== 'boolean');
  const first = useful[0] ?? issues[0] ?? {};
  let field = [context, ...(first.instancePath ?? '').split('/').filter(Boolean)].join('.');
  let message = first.message ?? 'is invalid';
  const params = first.params ?? {};
  if (first.keyword === 'additionalProperties' && params.additionalProperty !== undefined) {
    field = `${field}.${String(params.additionalProperty)}`;
    message = 'is not a known field';
  } else if (first.keyword === 'additionalProperties' && Array.isArray(params.additionalProperties)) {
    field = `${field}.${String(params.additionalProperties[0])}`;
    message = 'is not a known field';
  } else if (first.keyword === 'required') {
    const missing = params.missingProperty ?? (Array.isArray(params.requiredProperties) ? params.requiredProperties[0] : undefined);
    if (missing !== undefined) field = `${field}.${String(missing)}`;
    message = 'is required';
  } else if (first.keyword === 'const' || first.keyword === 'enum') {
    const allowed = issues
      .filter((i) => i.instancePath === first.instancePath && (i.keyword === 'const' || i.keyword === 'enum'))
      .flatMap((i) => (i.params?.allowedValue !== undefined ? [i.params.allowedValue] : ((i.params?.allowedValues as unknown[]) ?? [])));
    message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return { message: `${field} ${message}`, field };
}

/** Fastify's own client errors (parsing, content type, size) mapped to the contract. */
function fromFastifyError(error: FastifyError): BrokerError | undefined {
  if (error.validation) {
    const { message, field } = describeValidation(error.validation as ValidationIssue[], error.validationContext ?? 'body');
    return new BrokerError('INVALID_REQUEST', message, { details: { field } });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BrokerError('INVALID_REQUEST', 'request body is too large', { httpStatus: 413 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new BrokerError('INVALID_REQUEST', 'unsupported content type: send application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new BrokerError('INVALID_REQUEST', 'request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BrokerError('INVALID_REQUEST', 'invalid content length');
  }
  if (error instanceof SyntaxError) return new BrokerError('INVALID_REQUEST', 'request body is not valid JSON');
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return new BrokerError('INVALID_REQUEST', 'invalid request', { httpStatus: status });
  return undefined;
}

/**
 * A failure that is not a BrokerError: the database being unreachable is 503 with Retry-After (the
 * caller should retry, the broker is fine); anything else is 500. Internals never reach the caller.
 */
export function unexpectedError(error: unknown, requestId: string): BrokerError {
  if (isDatabaseUnavailable(error)) {
    return new BrokerError('INTERNAL_ERROR', `the broker's database is unavailable; retry shortly (request id ${requestId})`, {
      httpStatus: 503,
      retryAfterS: 1,
      retryable: true,
    });
  }
  return new BrokerError('INTERNAL_ERROR', `unexpected error; quote request id ${requestId} to support`);
}

/**
 * Errors the router raises before any route runs (Fastify's `frameworkErrors`): a URL that is not
 * valid percent-encoding, or a path parameter over the router's length limit. Same envelope.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const brokerError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new BrokerError('INVALID_REQUEST', 'a path parameter is too long', { httpStatus: 414 })
      : new BrokerError('INVALID_REQUEST', `malformed request URL (${error.code})`);
  request.log.info({ code: error.code }, 'request refused by the router');
  return reply.status(brokerError.httpStatus).send(errorBody(brokerError));
}

/** The only place that turns failures into HTTP answers. Internals never reach the caller. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | BrokerError, request, reply) => {
    let brokerError = isBrokerError(error) ? error : fromFastifyError(error as FastifyError);
    if (!brokerError) {
      request.log.error({ err: error }, 'unexpected error');
      brokerError = unexpectedError(error, request.id);
    } else if (brokerError.httpStatus >= 500) {
      request.log.warn({ code: brokerError.code, details: brokerError.details }, brokerError.message);
    }
    if (brokerError.retryAfterS !== undefined) reply.header('retry-after', String(brokerError.retryAfterS));
    return reply.status(brokerError.httpStatus).send(errorBody(brokerError));
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new BrokerError('INVALID_REQUEST', `no route ${request.method} ${request.url.split('?')[0]}`, { httpStatus: 404 });
    return reply.status(404).send(errorBody(error));
  });
}
