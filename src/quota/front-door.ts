import { requestBearer } from '../auth/bearer.js';
import { sha256Hex } from '../auth/secrets.js';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { BrokerError } from '../errors.js';
import type { SharedStore } from '../store/shared-store.js';
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

export interface FrontDoorOptions {
  config: Config;
  store: SharedStore;
  /** Requests exempt from the limit, e.g. health probes. */
  skip?: (request: FastifyRequest) => boolean;
}

/**
 * The front-door limit: `frontDoorPerMinute` requests per minute per job token (`internalPerMinute`
 * for the internal key),
 * counted in Redis when the store is Redis (shared by all instances). Over the limit it throws a
 * RATE_LIMIT BrokerError, which the error handler renders as the contract envelope with Retry-After.
 * Redis outage: FrontDoorStore counts per instance instead (never waits on Redis, never locks
 * callers out); `skipOnError` lets requests through should a store call still fail.
 */
export async function registerFrontDoorRateLimit(app: FastifyInstance, options: FrontDoorOptions): Promise<void> {
  const { config, store, skip } = options;
  const prefix = (store as SharedStore & { prefix?: string }).prefix ?? config.redisKeyPrefix;
  // The internal key serves every SellerShorts service at once: it gets its own, larger budget.
  const internalKey = bearerKey(sha256Hex(config.internalApiKey));
  await app.register(rateLimit, {
    global: true,
    max: (_request, key) => (key === internalKey ? config.internalPerMinute : config.frontDoorPerMinute),
    timeWindow: '1 minute',
    keyGenerator: frontDoorKey,
    skipOnError: true,
    ...(skip ? { allowList: (request: FastifyRequest) => skip(request) } : {}),
    store: FrontDoorStore.using(store.kind === 'redis' ? store.redis : undefined, `${prefix}front-door:`),
    errorResponseBuilder: (_request, context) => {
      const retryAfterS = Math.max(1, Math.ceil(context.ttl / 1000));
      return new BrokerError('RATE_LIMIT', `Too many requests with this credential; retry after ${retryAfterS} s`, { retryAfterS });
    },
  });
}
