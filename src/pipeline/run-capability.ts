import type { FastifyBaseLogger } from 'fastify';
import { Compile } from 'typebox/compile';
import Value from 'typebox/value';
import { CAPABILITIES, CAPABILITY_NAMES, findCapability } from '../capabilities/index.js';
import type { Capability, CapabilityContext, JobContext } from '../capabilities/types.js';
import { lookupConnection } from '../connections/lookup.js';
import type { Connection } from '../connections/types.js';
import type { CallQuota } from '../quota/call-quota.js';
import { ablate, memoized } from '../bench-ablation.js';

const ablatedConnections = new Map<string, Promise<Connection | null>>();
import { stageOrApplyWrite } from '../confirmations/staging.js';
import { BrokerError } from '../errors.js';
import { closestName } from '../http/did-you-mean.js';
import { describeValidation } from '../http/error-handler.js';
import { refuseDeepJson, walkJson } from '../http/json-depth.js';
import { findMarketplace, type Region } from '../marketplaces/marketplaces.js';
import type { BrokerServices } from '../services.js';

export interface CapabilityCall {
  capability: string;
  provider: string;
  params?: Record<string, unknown> | undefined;
}

/** Near misses are suggested among the token's own capabilities first, then among all. */
function closestCapability(name: string, job: JobContext): string | undefined {
  return closestName(name, job.capabilities) ?? closestName(name, CAPABILITY_NAMES);
}

function unknownCapabilityMessage(name: string, job: JobContext): string {
  const closest = closestCapability(String(name), job);
  const hint = closest ? ` did you mean ${closest}?` : '';
  return `unknown capability ${JSON.stringify(name)};${hint} GET /api/capabilities lists the ones this token may call`;
}

function suggestion(name: string, job: JobContext): { did_you_mean?: string } {
  const closest = closestCapability(String(name), job);
  return closest ? { did_you_mean: closest } : {};
}

/** Filled in as the call progresses, so the audit log and `meta` know how far it got. */
export interface CallTrace {
  marketplaceId?: string;
  region?: Region;
  amazonRequestIds: string[];
}

const validators = new Map(CAPABILITIES.map((capability) => [capability.name, Compile(capability.params)]));

/** Whether a schema declares a default anywhere: only then are params copied and filled in. */
const declaresDefault = (schema: unknown): boolean =>
  typeof schema === 'object' && schema !== null && (Object.hasOwn(schema, 'default') || Object.values(schema).some(declaresDefault));
const withDefaults = new Set(CAPABILITIES.filter((capability) => declaresDefault(capability.params)).map((capability) => capability.name));

/** Params after defaults, or INVALID_REQUEST naming the first bad field. */
export function validateParams(capability: Capability, raw: unknown): Record<string, unknown> {
  refuseDeepJson(raw, 'params');
  capability.precheck?.(raw);
  // Defaults are written into a copy: the caller's body stays as sent (idempotency compares it).
  const params = (withDefaults.has(capability.name) ? Value.Default(capability.params, structuredClone(raw ?? {})) : (raw ?? {})) as Record<string, unknown>;
  const validator = validators.get(capability.name);
  if (validator && !validator.Check(params)) {
    const { message, field } = describeValidation([...validator.Errors(params)], 'params', capability.params);
    throw new BrokerError('INVALID_REQUEST', message, { details: { field } });
  }
  const withNul = nulStringPath(params, 'params');
  if (withNul) {
    throw new BrokerError('INVALID_REQUEST', `${withNul} contains the NUL character (U+0000), which no Amazon field and no stored record can hold; remove it`, {
      details: { field: withNul, rule: 'NO_NUL' },
    });
  }
  return params;
}

/**
 * The path of the first string (value or key) holding U+0000, named as validation names fields
 * (`params.patches.0.value`). Postgres refuses it in text and jsonb, so a staged write carrying one
 * failed as a 500 when it was stored; no Amazon field takes it either.
 */
function nulStringPath(value: unknown, path: string): string | undefined {
  const found = walkJson(value, path, (node, key) => (typeof node === 'string' && node.includes('\u0000')) || (key?.includes('\u0000') ?? false));
  return found && !found.tooDeep ? found.field : undefined;
}

/**
 * The grant gate: provider is Amazon, and the capability is one the token holds now. Returns the
 * capability; CAPABILITY_NOT_ALLOWED (with a did-you-mean for near misses) otherwise.
 */
export function authorizeCall(job: JobContext, call: CapabilityCall): Capability {
  if (call.provider !== 'amazon') {
    throw new BrokerError('INVALID_REQUEST', `provider must be "amazon", got ${JSON.stringify(call.provider)}`, {
      details: { field: 'provider' },
    });
  }
  const capability = findCapability(call.capability);
  if (!capability || !job.capabilities.includes(capability.name)) {
    throw new BrokerError(
      'CAPABILITY_NOT_ALLOWED',
      capability
        ? `capability ${capability.name} is not granted to this job token`
        : unknownCapabilityMessage(call.capability, job),
      { details: { capability: call.capability, ...suggestion(call.capability, job) } },
    );
  }
  return capability;
}

/**
 * A granted call (authorizeCall) from params on: params, connection, then the capability (which
 * takes quota and calls Amazon). src/pipeline/call-capability.ts runs the gates before it.
 */
export async function runCapability(
  services: BrokerServices,
  job: JobContext,
  capability: Capability,
  rawParams: unknown,
  log: FastifyBaseLogger,
  trace: CallTrace,
  /** The call's quota with its front-door unit (src/quota/call-quota.ts). */
  quota: CallQuota,
): Promise<unknown> {
  const params = ablate.validation ? ((rawParams ?? {}) as Record<string, unknown>) : validateParams(capability, rawParams);
  const requestedMarketplace = typeof params.marketplace_id === 'string' ? params.marketplace_id : undefined;
  if (requestedMarketplace !== undefined && !findMarketplace(requestedMarketplace)) {
    throw new BrokerError('INVALID_REQUEST', `unknown marketplace id ${requestedMarketplace}`, { details: { field: 'params.marketplace_id' } });
  }

  const connection = ablate.lookup
    ? await memoized(ablatedConnections, job.buyerId, () => lookupConnection(services.db, services.caches.connections, job.buyerId, requestedMarketplace))
    : await lookupConnection(services.db, services.caches.connections, job.buyerId, requestedMarketplace);
  if (!connection) {
    throw new BrokerError(
      'NO_CONNECTION',
      requestedMarketplace
        ? `the buyer has not connected Amazon for marketplace ${requestedMarketplace}`
        : 'the buyer has not connected an Amazon Seller Central account',
    );
  }
  const marketplace = findMarketplace(connection.marketplaceId);
  if (!marketplace) throw new Error(`connection for unknown marketplace ${connection.marketplaceId}`);
  trace.marketplaceId = marketplace.id;
  trace.region = marketplace.region;
  if (connection.status === 'revoked') {
    throw new BrokerError('TOKEN_EXPIRED', 'the buyer revoked or lost the Amazon authorization; they must reconnect Amazon');
  }

  // A connection is the seller context: authorization, buyer, selling partner and region.
  // A write counts at the front door before it stages anything: a refused call leaves nothing behind.
  if (capability.access === 'write') await quota.admitted();
  const amazon = services.amazon.forSeller(connection, { log, quota });
  trace.amazonRequestIds = amazon.requestIds;
  const ctx: CapabilityContext<Record<string, unknown>> = { params, job, marketplace, connection, amazon, services, log };
  return capability.access === 'read' ? capability.run(ctx) : stageOrApplyWrite(services, ctx, capability);
}
