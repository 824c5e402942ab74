import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateJobToken } from '../auth/job-tokens.js';
import { authenticateWithinBudget } from '../auth/failed-auth-budget.js';
import { requestBearer } from '../auth/bearer.js';
import { CAPABILITIES, findCapability } from '../capabilities/index.js';
import type { JobContext } from '../capabilities/types.js';
import { BrokerError, errorBody, isBrokerError } from '../errors.js';
import { executeIdempotently, type IdempotentResult } from '../idempotency/idempotency.js';
import { type CallTrace, type CapabilityCall, runCapability } from '../pipeline/run-capability.js';
import { CapabilityCallBody, CapabilityCallResponse, CapabilityListResponse } from '../schemas/capabilities.js';
import { errorResponses } from '../schemas/envelope.js';
import { sendError, unexpectedError } from '../http/error-handler.js';
import { frontDoorTicket } from '../quota/front-door.js';
import type { FrontDoorTicket } from '../quota/front-door-counter.js';

declare module 'fastify' {
  interface FastifyRequest {
    job?: JobContext;
    /** A capability call's front-door count, taken at its quota step (see src/quota/front-door.ts). */
    frontDoor?: FrontDoorTicket;
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

export function requireJob(request: FastifyRequest): JobContext {
  if (!request.job) throw new BrokerError('INVALID_TOKEN', 'missing job token');
  return request.job;
}

/** A pending front-door count taken now; over the limit, the RATE_LIMIT error that replaces the answer. */
async function frontDoorRefusal(ticket: FrontDoorTicket | undefined): Promise<unknown> {
  try {
    await ticket?.count();
    return undefined;
  } catch (limited) {
    return limited;
  }
}

export default async function capabilityRoutes(app: FastifyInstance) {
  // Capability calls count at the front door with their quota (one Redis round trip, see
  // src/quota/front-door.ts); the ticket exists before any check, so every call counts once.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.method === 'POST') request.frontDoor = frontDoorTicket(request, request.server.services.frontDoor, request.server.services.config);
    done();
  });
  app.addHook('onRequest', authenticate);
  // A call refused before its handler (token, body) counts too; over the limit the answer is RATE_LIMIT.
  app.setErrorHandler(async (error: FastifyError | BrokerError, request, reply) => {
    const refusal = (await frontDoorRefusal(request.frontDoor)) as BrokerError | undefined;
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
          params_schema: c.params as unknown as Record<string, unknown>,
        })),
      };
    },
  );

  app.post(
    '/api/capabilities',
    {
      // Counted at the quota step instead (the onRequest hook above).
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
      const job = requireJob(request);
      const call = request.body as CapabilityCall;
      const key = request.headers['idempotency-key'];
      const run = () => callCapability(request, job, call, request.frontDoor);
      const { statusCode, body, retryAfter, replayed } =
        typeof key === 'string' ? await executeIdempotently(request.server.services.db, job.orderId, key, call, run) : await run();
      // A replayed answer ran nothing, so callCapability did not count it: it counts here.
      const refusal = replayed ? await frontDoorRefusal(request.frontDoor) : undefined;
      if (refusal) throw refusal;
      if (retryAfter !== undefined) reply.header('retry-after', retryAfter);
      if (replayed) reply.header('idempotent-replayed', 'true');
      // The status comes from the capability's outcome; the schema lists every one it can be.
      return reply.status(statusCode as 200).send(body);
    },
  );
}

const serializeAnswer = (answer: unknown) => JSON.stringify(answer);

export type CapabilityHttpResult = IdempotentResult;

/** A write's answer status is its audit outcome (an auto-applied write Amazon refused included). */
const WRITE_OUTCOMES = new Set(['PENDING_CONFIRMATION', 'APPLIED', 'REJECTED_BY_AMAZON']);

/**
 * Runs one call and renders its answer (success or envelope), recording metrics and the audit
 * trail. With a front-door ticket, a call that took no quota counts it before answering.
 */
export async function callCapability(request: FastifyRequest, job: JobContext, call: CapabilityCall, frontDoor?: FrontDoorTicket): Promise<CapabilityHttpResult> {
  const { services } = request.server;
  const started = performance.now();
  const trace: CallTrace = { amazonRequestIds: [] };
  let result: CapabilityHttpResult;
  let outcome: string;
  // Over the front-door limit the answer is RATE_LIMIT, whatever the call came to.
  const answer = await runCapability(services, job, call, request.log, trace, frontDoor).then(
    async (data) => ({ data, failure: await frontDoorRefusal(frontDoor) }),
    async (error: unknown) => ({ data: undefined, failure: (await frontDoorRefusal(frontDoor)) ?? error }),
  );
  if (answer.failure === undefined) {
    const { data } = answer;
    const writeStatus = (data as { status?: unknown } | null)?.status;
    outcome = typeof writeStatus === 'string' && WRITE_OUTCOMES.has(writeStatus) ? writeStatus : 'OK';
    result = {
      statusCode: 200,
      body: {
        ok: true,
        data,
        meta: { request_id: request.id, capability: call.capability, marketplace_id: trace.marketplaceId, region: trace.region },
      },
    };
  } else {
    const error = answer.failure;
    const brokerError = isBrokerError(error) ? error : undefined;
    if (!brokerError) request.log.error({ err: error, capability: call.capability }, 'capability failed unexpectedly');
    const rendered = brokerError ?? unexpectedError(error, request.id);
    outcome = rendered.code;
    result = {
      statusCode: rendered.httpStatus,
      body: errorBody(rendered),
      transient: rendered.retryable,
      ...(rendered.retryAfterS !== undefined ? { retryAfter: String(rendered.retryAfterS) } : {}),
    };
  }
  const latencyMs = performance.now() - started;
  services.metrics.capabilityCalls.inc({ capability: findCapability(call.capability)?.name ?? 'unknown', outcome });
  services.audit.record({
    time: new Date(),
    event: 'capability_call',
    orderId: job.orderId,
    buyerId: job.buyerId,
    tokenId: job.tokenId,
    toolId: job.toolId,
    confirmationId: confirmationIdOf(result),
    capability: call.capability,
    marketplaceId: trace.marketplaceId ?? null,
    outcome,
    httpStatus: result.statusCode,
    latencyMs,
    amazonRequestIds: trace.amazonRequestIds,
  });
  return result;
}

/** A staged or auto-applied write names its confirmation; the audit links the call to it. */
function confirmationIdOf(result: CapabilityHttpResult): string | null {
  const data = (result.body as { data?: { confirmation_id?: unknown } }).data;
  return typeof data?.confirmation_id === 'string' ? data.confirmation_id : null;
}
