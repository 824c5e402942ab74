import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/resilient-pool.js';
import { BrokerError, clientError, errorBody, isBrokerError, notFound, payloadTooLarge, unavailable, uriTooLong } from '../errors.js';
import { expectedShape, knownFields } from './expected-shape.js';
import { clipName } from '../writes/violations.js';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

/**
 * "params.asins must be array (expected an array of strings, e.g. ["B0MP6NVW98"])": names the field
 * and, from `schema` (the schema validated against, whose examples work in the sandbox), the shape
 * it expects, as agents need to fix their call.
 */
export function describeValidation(issues: ValidationIssue[], context: string, schema?: unknown): { message: string; field: string } {
  const useful = issues.filter((i) => i.keyword !== 'anyOf' && i.keyword !== 'boolean');
  const first = useful[0] ?? issues[0] ?? {};
  const path = (first.instancePath ?? '').split('/').filter(Boolean);
  let field = [context, ...path].join('.');
  let message = first.message ?? 'is invalid';
  let hint = expectedShape(schema, path);
  const params = first.params ?? {};
  const unknownField = first.keyword === 'additionalProperties' ? (params.additionalProperty ?? (Array.isArray(params.additionalProperties) ? params.additionalProperties[0] : undefined)) : undefined;
  if (first.keyword === 'additionalProperties' && unknownField !== undefined) {
    field = `${field}.${clipName(String(unknownField))}`;
    message = 'is not a known field';
    const known = knownFields(schema, path);
    hint = known.length > 0 ? ` (known fields: ${known.join(', ')})` : '';
  } else if (first.keyword === 'required') {
    const missing = params.missingProperty ?? (Array.isArray(params.requiredProperties) ? params.requiredProperties[0] : undefined);
    if (missing !== undefined) {
      field = `${field}.${String(missing)}`;
      hint = expectedShape(schema, [...path, String(missing)]);
    }
    message = 'is required';
  } else if (first.keyword === 'const' || first.keyword === 'enum') {
    const allowed = issues
      .filter((i) => i.instancePath === first.instancePath && (i.keyword === 'const' || i.keyword === 'enum'))
      .flatMap((i) => (i.params?.allowedValue !== undefined ? [i.params.allowedValue] : ((i.params?.allowedValues as unknown[]) ?? [])));
    message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
    hint = '';
  }
  return { message: `${field} ${message}${hint}`, field };
}

const MIB = 1024 * 1024;
const describeBytes = (bytes: number) => `${bytes}-byte (${bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${(bytes / MIB).toFixed(1)} MiB`})`;

/** Fastify's own client errors (parsing, content type, size) mapped to the contract, saying what is accepted. */
function fromFastifyError(error: FastifyError, request: FastifyRequest): BrokerError | undefined {
  const contentType = request.headers['content-type'];
  if (error.validation) {
    const context = error.validationContext ?? 'body';
    const schema = (request.routeOptions.schema as Record<string, unknown> | undefined)?.[context];
    const { message, field } = describeValidation(error.validation as ValidationIssue[], context, schema);
    return new BrokerError('INVALID_REQUEST', message, { details: { field } });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = request.server.initialConfig.bodyLimit ?? 0;
      return payloadTooLarge(`request body is larger than the ${describeBytes(limit)} limit (BODY_LIMIT_BYTES); split the request`, { limit_bytes: limit });
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new BrokerError('INVALID_REQUEST', `unsupported content type ${contentType ?? '(none)'}: send the body as JSON with Content-Type: application/json`, {
        details: { field: 'Content-Type' },
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new BrokerError('INVALID_REQUEST', 'the body is empty but Content-Type says application/json: send a JSON body (e.g. {}) or no Content-Type header', {
        details: { field: 'body' },
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new BrokerError('INVALID_REQUEST', `request body is not valid JSON (${error.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'/, '').trim() || 'parse error'})`, {
        details: { field: 'body' },
      });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BrokerError('INVALID_REQUEST', 'Content-Length does not match the body sent');
  }
  if (error instanceof SyntaxError) return new BrokerError('INVALID_REQUEST', `request body is not valid JSON (${error.message})`, { details: { field: 'body' } });
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return clientError('invalid request', status);
  return undefined;
}

/**
 * A failure that is not a BrokerError: the database being unreachable is 503 with Retry-After (the
 * caller should retry, the broker is fine); anything else is 500. Internals never reach the caller.
 */
export function unexpectedError(error: unknown, requestId: string): BrokerError {
  if (isDatabaseUnavailable(error)) {
    return unavailable(`the broker's database is unavailable; retry shortly (request id ${requestId})`);
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
      ? uriTooLong('a path parameter is too long')
      : new BrokerError('INVALID_REQUEST', `malformed request URL (${error.code})`);
  request.log.info({ code: error.code }, 'request refused by the router');
  return reply.status(brokerError.httpStatus).send(errorBody(brokerError));
}

/** Renders any failure as the contract envelope. Internals never reach the caller. */
export function sendError(error: FastifyError | BrokerError, request: FastifyRequest, reply: FastifyReply) {
  let brokerError = isBrokerError(error) ? error : fromFastifyError(error as FastifyError, request);
  if (!brokerError) {
    request.log.error({ err: error }, 'unexpected error');
    brokerError = unexpectedError(error, request.id);
  } else if (brokerError.httpStatus >= 500) {
    request.log.warn({ code: brokerError.code, details: brokerError.details }, brokerError.message);
  }
  if (brokerError.retryAfterS !== undefined) reply.header('retry-after', String(brokerError.retryAfterS));
  if (brokerError.httpStatus === 401) reply.header('www-authenticate', BEARER_CHALLENGE);
  return reply.status(brokerError.httpStatus).send(errorBody(brokerError));
}

/**
 * RFC 9110 §11.6.1: a 401 names its scheme. The `error` parameter (RFC 6750 §3) tells an
 * OAuth-aware client (MCP's among them) that the token itself is refused, so it shows our message
 * instead of going to discover an authorization server we do not run.
 */
const BEARER_CHALLENGE = 'Bearer realm="sellershorts-broker", error="invalid_token"';

/** The only place that turns failures into HTTP answers. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(sendError);

  app.setNotFoundHandler((request, reply) => {
    const error = notFound(`no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.status(404).send(errorBody(error));
  });
}
