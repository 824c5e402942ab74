import type { FastifyBaseLogger } from 'fastify';
import type { Capability, JobContext } from '../capabilities/types.js';
import { findCapability } from '../capabilities/index.js';
import { ablate } from '../bench-ablation.js';
import { errorBody, type ErrorBody, isBrokerError } from '../errors.js';
import { unexpectedError } from '../http/error-handler.js';
import { refuseDeepJson } from '../http/json-depth.js';
import { executeIdempotently, type IdempotentResult } from '../idempotency/idempotency.js';
import type { CallQuota } from '../quota/call-quota.js';
import { callQuota } from '../quota/front-door.js';
import type { BrokerServices } from '../services.js';
import { authorizeCall, type CallTrace, type CapabilityCall, runCapability } from './run-capability.js';

/** A successful answer: the contract's `{ ok: true, data, meta }`. */
export interface SuccessBody {
  ok: true;
  data: unknown;
  meta: { request_id: string; capability: string; marketplace_id: string | undefined; region: string | undefined };
}

/**
 * What a capability call came to, whichever door it came through: REST renders it as HTTP, MCP as
 * a tool result. `body` is the contract envelope (what an Idempotency-Key replays).
 */
export interface CallOutcome {
  statusCode: number;
  body: SuccessBody | ErrorBody;
  /** Seconds, for a Retry-After header. */
  retryAfterS?: number;
  /** The stored first answer to this Idempotency-Key, not a new run. */
  replayed: boolean;
}

/** Who is calling and how to answer them: built by each door (REST route, MCP tool call). */
export interface CallScope {
  services: BrokerServices;
  job: JobContext;
  requestId: string;
  log: FastifyBaseLogger;
  /** Whom the call counts against at the front door (src/quota/front-door.ts frontDoorKey). */
  frontDoorKey: string;
}

/** A write's answer status is its audit outcome (an auto-applied write Amazon refused included). */
const WRITE_OUTCOMES = new Set(['PENDING_CONFIRMATION', 'APPLIED', 'REJECTED_BY_AMAZON']);

/**
 * The one call path of a capability call, every door alike. Gates in order: grant (the token
 * holds this capability now), then the Idempotency-Key (a stored answer is replayed only past the
 * grant), then params, connection, quota and Amazon (runCapability). Every call takes one
 * front-door unit, whatever it comes to (CallQuota: with its first reservation, before a write
 * stages, else at the end); over the limit the answer is RATE_LIMIT, and nothing was reserved or
 * staged. Every call is audited and measured, replays included.
 */
export async function callCapability(scope: CallScope, call: CapabilityCall, options: { idempotencyKey?: string } = {}): Promise<CallOutcome> {
  const started = performance.now();
  const trace: CallTrace = { amazonRequestIds: [] };
  const quota = callQuota(scope.services, scope.frontDoorKey);
  let result: IdempotentResult;
  try {
    // The grant first: neither a replay nor a wait on another call's key may answer a token that
    // does not hold the capability (the key is scoped to the order, and one order has many tokens).
    const capability = authorizeCall(scope.job, call);
    // Too deep is refused before the key is claimed (or its fingerprint computed): nothing to pin.
    refuseDeepJson(call.params, 'params');
    const run = () => runAndRender(scope, capability, call, trace, quota);
    result = options.idempotencyKey === undefined ? await run() : await executeIdempotently(scope.services.db, scope.job.orderId, options.idempotencyKey, call, run);
  } catch (error) {
    result = render(scope, call, error);
  }
  // A replay, or a call refused before it ran, counts now; over the limit, RATE_LIMIT.
  if (quota.uncounted) {
    const refusal = await quota.refusal();
    if (refusal) result = render(scope, call, refusal);
  }
  const body = result.body as SuccessBody | ErrorBody;
  record(scope, call, trace, result, body, performance.now() - started);
  return {
    statusCode: result.statusCode,
    body,
    replayed: result.replayed === true,
    ...(result.retryAfter !== undefined ? { retryAfterS: Number(result.retryAfter) } : {}),
  };
}

/** Runs the call and renders what it came to; the front door is settled before the answer is final. */
async function runAndRender(scope: CallScope, capability: Capability, call: CapabilityCall, trace: CallTrace, quota: CallQuota): Promise<IdempotentResult> {
  try {
    const data = await runCapability(scope.services, scope.job, capability, call.params, scope.log, trace, quota);
    // Over the front-door limit the answer is RATE_LIMIT, whatever the call came to (and so is
    // the answer an Idempotency-Key keeps: a RATE_LIMIT is never stored).
    const refusal = await quota.refusal();
    if (refusal) return render(scope, call, refusal);
    return {
      statusCode: 200,
      body: { ok: true, data, meta: { request_id: scope.requestId, capability: call.capability, marketplace_id: trace.marketplaceId, region: trace.region } } satisfies SuccessBody,
    };
  } catch (error) {
    return render(scope, call, (await quota.refusal()) ?? error);
  }
}

function render(scope: CallScope, call: CapabilityCall, error: unknown): IdempotentResult {
  const brokerError = isBrokerError(error) ? error : undefined;
  if (!brokerError) scope.log.error({ err: error, capability: call.capability }, 'capability failed unexpectedly');
  const rendered = brokerError ?? unexpectedError(error, scope.requestId);
  return {
    statusCode: rendered.httpStatus,
    body: errorBody(rendered),
    transient: rendered.retryable,
    ...(rendered.retryAfterS !== undefined ? { retryAfter: String(rendered.retryAfterS) } : {}),
  };
}

function outcomeOf(body: SuccessBody | ErrorBody): string {
  if (!body.ok) return body.error.code;
  const writeStatus = (body.data as { status?: unknown } | null)?.status;
  return typeof writeStatus === 'string' && WRITE_OUTCOMES.has(writeStatus) ? writeStatus : 'OK';
}

function record(scope: CallScope, call: CapabilityCall, trace: CallTrace, result: IdempotentResult, body: SuccessBody | ErrorBody, latencyMs: number): void {
  const { services, job } = scope;
  const outcome = outcomeOf(body);
  if (!ablate.metrics) services.metrics.capabilityCalls.inc({ capability: findCapability(call.capability)?.name ?? 'unknown', outcome });
  const confirmationId = body.ok ? (body.data as { confirmation_id?: unknown } | null)?.confirmation_id : undefined;
  if (!ablate.audit) services.audit.record({
    time: new Date(),
    // A replay reached nothing, but who was answered what is on the record.
    event: result.replayed ? 'capability_replay' : 'capability_call',
    orderId: job.orderId,
    buyerId: job.buyerId,
    tokenId: job.tokenId,
    toolId: job.toolId,
    confirmationId: typeof confirmationId === 'string' ? confirmationId : null,
    capability: call.capability,
    marketplaceId: trace.marketplaceId ?? (body.ok ? (body.meta.marketplace_id ?? null) : null),
    outcome,
    httpStatus: result.statusCode,
    latencyMs,
    amazonRequestIds: trace.amazonRequestIds,
  });
}
