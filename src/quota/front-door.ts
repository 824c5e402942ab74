import { requestBearer } from '../auth/bearer.js';
import { sha256Hex } from '../auth/secrets.js';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { ablate } from '../bench-ablation.js';
import type { BrokerError } from '../errors.js';
import { CallQuota } from './call-quota.js';
import { frontDoorLimited, limitOf, type FrontDoorCounter } from './front-door-counter.js';
import type { QuotaLimiter } from './types.js';
import { FrontDoorStore } from './front-door-store.js';

/**
 * Who a request counts against: the bearer credential (a job token or the internal key), never
 * stored or logged raw — only its SHA-256 — else the client IP.
 */
const bearerKey = (credentialHash: string) => `bearer:${credentialHash}`;

export function frontDoorKey(request: FastifyRequest): string {
  const { hash } = requestBearer(request);
  return hash ? bearerKey(hash) : `ip:${request.ip}`;
}

/** What a call's count needs (the broker's services have them). */
export interface FrontDoor {
  frontDoor: FrontDoorCounter;
  quota: QuotaLimiter;
  config: Pick<Config, 'frontDoorPerMinute'>;
}

/**
 * One capability call's quota with its front-door unit (POST /api/capabilities, each MCP
 * tools/call, replays included) against the job token's `frontDoorPerMinute`: see CallQuota. Those
 * routes opt out of the plugin below; their calls count in the pipeline, their refusals where
 * they are made (frontDoorRefusal).
 */
export function callQuota(services: FrontDoor, key: string): CallQuota {
  const unit = services.frontDoor.unit(key, services.config.frontDoorPerMinute);
  // Bench-only: the quota stage short-circuited takes the front door with it (src/bench-ablation.ts).
  if (ablate.quota) void unit.countBy(Promise.resolve({ current: 1, ttl: 60_000 }));
  return new CallQuota(services.quota, unit);
}

/** One front-door unit for a request a door refuses itself: the RATE_LIMIT over the limit, else undefined. */
export function frontDoorRefusal(services: Pick<FrontDoor, 'frontDoor' | 'config'>, key: string): Promise<BrokerError | undefined> {
  return limitOf(services.frontDoor.admit(key, services.config.frontDoorPerMinute));
}

export interface FrontDoorOptions {
  config: Config;
  counter: FrontDoorCounter;
  /** Requests exempt from the limit, e.g. health probes. */
  skip?: (request: FastifyRequest) => boolean;
}

/**
 * The front-door limit of every other route: `frontDoorPerMinute` requests per minute per job
 * token (`internalPerMinute` for the internal key), else per client IP, counted by the
 * FrontDoorCounter (Redis, shared by all instances; per instance while Redis is out). Over the
 * limit it throws a RATE_LIMIT BrokerError, which the error handler renders as the contract
 * envelope with Retry-After. `skipOnError` lets requests through should a count still fail.
 */
export async function registerFrontDoorRateLimit(app: FastifyInstance, options: FrontDoorOptions): Promise<void> {
  const { config, counter, skip } = options;
  // The internal key serves every SellerShorts service at once: it gets its own, larger budget.
  const internalKey = bearerKey(sha256Hex(config.internalApiKey));
  await app.register(rateLimit, {
    global: true,
    max: (_request, key) => (key === internalKey ? config.internalPerMinute : config.frontDoorPerMinute),
    timeWindow: '1 minute',
    keyGenerator: frontDoorKey,
    skipOnError: true,
    ...(skip ? { allowList: (request: FastifyRequest) => skip(request) } : {}),
    store: FrontDoorStore.using(counter),
    errorResponseBuilder: (_request, context) => frontDoorLimited(context.ttl),
  });
}
