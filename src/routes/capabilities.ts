import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { authenticateJobToken, cachedJob } from '../auth/job-tokens.js';
import { ablate, memoized } from '../bench-ablation.js';
import { authenticateWithinBudget } from '../auth/failed-auth-budget.js';
import { requestBearer } from '../auth/bearer.js';
import { CAPABILITIES } from '../capabilities/index.js';
import type { JobContext } from '../capabilities/types.js';
import { BrokerError } from '../errors.js';
import { type CallScope, callCapability } from '../pipeline/call-capability.js';
import { CapabilityCallBody, CapabilityCallResponse, CapabilityListResponse } from '../schemas/capabilities.js';
import { errorResponses } from '../schemas/envelope.js';
import { sendError } from '../http/error-handler.js';
import { frontDoorKey, frontDoorRefusal } from '../quota/front-door.js';

declare module 'fastify' {
  interface FastifyRequest {
    job?: JobContext;
  }
}

const BEARER = [{ jobToken: [] }];

/** The token and order checks come first, before the body is even parsed. */
export async function authenticate(request: FastifyRequest) {
  const { db, failedAuth, caches } = request.server.services;
  const bearer = requestBearer(request);
  const options = { cache: caches.tokens, ...(bearer.hash ? { tokenHash: bearer.hash } : {}) };
  request.job = await authenticateWithinBudget(failedAuth, request.ip, bearer.hash, () => authenticateJobToken(db, bearer.token, options));
}

const ablatedJobs = new Map<string, JobContext>();

/**
 * authenticate as an onRequest hook: a token whose row is cached and passes every check is
 * answered synchronously (no promise per request); anything else goes the full way.
 */
function authenticateHook(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) {
  const { db, failedAuth, caches } = request.server.services;
  const bearer = requestBearer(request);
  if (ablate.auth && bearer.token && ablatedJobs.has(bearer.token)) {
    request.job = ablatedJobs.get(bearer.token);
    return done();
  }
  if (bearer.token !== undefined && bearer.hash !== undefined) {
    const job = cachedJob(db, caches.tokens, bearer.token, bearer.hash);
    if (job) {
      // The budget check authenticate makes (a blocked address is refused, a valid token and all), once.
      try {
        failedAuth.admit(request.ip, bearer.hash);
      } catch (error) {
        return done(error as Error);
      }
      failedAuth.succeeded(bearer.hash);
      request.job = job;
      return done();
    }
  }
  authenticate(request).then(() => {
    if (ablate.auth && bearer.token && request.job) ablatedJobs.set(bearer.token, request.job);
    done();
  }, done);
}

export function requireJob(request: FastifyRequest): JobContext {
  if (!request.job) throw new BrokerError('INVALID_TOKEN', 'missing job token');
  return request.job;
}

/** The scope of one capability call made by this request. */
export function callScope(request: FastifyRequest): CallScope {
  return { services: request.server.services, job: requireJob(request), requestId: request.id, log: request.log, frontDoorKey: frontDoorKey(request) };
}

export default async function capabilityRoutes(untyped: FastifyInstance) {
  const app = untyped.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', authenticateHook);
  // A call refused before its handler (token, body) counts at the front door too: the pipeline
  // counts the rest, and renders every failure, so no call reaches here twice. Over the limit
  // the answer is RATE_LIMIT.
  app.setErrorHandler(async (error: FastifyError | BrokerError, request, reply) => {
    const refusal = request.method === 'POST' ? await frontDoorRefusal(request.server.services, frontDoorKey(request)) : undefined;
    return sendError(refusal ?? error, request, reply);
  });

  app.get(
    '/api/capabilities',
    {
      schema: {
        tags: ['capabilities'],
        operationId: 'listCapabilities',
        description: 'The capabilities granted to this job token, each with its description, access (read or write) and params JSON Schema, including working sandbox examples.',
        summary: 'List the capabilities this job token may call',
        security: BEARER,
        response: { 200: CapabilityListResponse, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const job = requireJob(request);
      return {
        ok: true as const,
        data: CAPABILITIES.filter((c) => job.capabilities.includes(c.name)).map((c) => ({
          name: c.name,
          description: c.description,
          access: c.access,
          params_schema: { ...c.params },
        })),
      };
    },
  );

  // Answers with the status of whatever the call came to (the schema lists each), so the reply is
  // not narrowed to the 200 schema's type: the body is typed, the reply is not.
  untyped.post<{ Body: Static<typeof CapabilityCallBody> }>(
    '/api/capabilities',
    {
      // Counted once per call by the pipeline (or by the error handler above, if refused before it).
      config: { rateLimit: false },
      // Every answer is built by this module to its schema (`data` is free-form): a compiled
      // serializer only added string concatenation on top of JSON.stringify of `data`.
      serializerCompiler: () => serializeAnswer,
      schema: {
        tags: ['capabilities'],
        operationId: 'callCapability',
        summary: 'Call a capability',
        description:
          'Checks run in this order: token, order, body shape, capability grant, params, connection, quota, Amazon. An Idempotency-Key header makes retries safe for 24 h.',
        security: BEARER,
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200, description: 'Makes the call safe to retry (24 h, per order).' } },
        },
        body: CapabilityCallBody,
        response: { 200: CapabilityCallResponse, ...errorResponses(400, 401, 403, 404, 409, 413, 422, 429, 500, 502) },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const outcome = await callCapability(callScope(request), request.body, typeof key === 'string' ? { idempotencyKey: key } : {});
      if (outcome.retryAfterS !== undefined) reply.header('retry-after', String(outcome.retryAfterS));
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      // The status comes from the capability's outcome; the schema lists every one it can be.
      return reply.status(outcome.statusCode).send(outcome.body);
    },
  );
}

const ablatedAnswers = new Map<string, string>();
const serializeAnswer = ablate.serialize
  ? (answer: unknown) => memoized(ablatedAnswers, (answer as { meta?: { capability?: string } }).meta?.capability ?? 'error', () => JSON.stringify(answer))
  : (answer: unknown) => JSON.stringify(answer);
