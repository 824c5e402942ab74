import { requestBearer } from '../auth/bearer.js';
import { sha256Hex } from '../auth/secrets.js';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { frontDoorLimited, type FrontDoorCounter, type FrontDoorTicket } from './front-door-counter.js';
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

/**
 * The front-door count of one capability call (POST /api/capabilities), against the job token's
 * `frontDoorPerMinute`: taken with the call's first quota reservation (one Redis round trip for
 * both), or on its own when the call takes no quota. The route opts out of the plugin below.
 */
export function frontDoorTicket(request: FastifyRequest, counter: FrontDoorCounter, config: Pick<Config, 'frontDoorPerMinute'>): FrontDoorTicket {
  return counter.ticket(frontDoorKey(request), config.frontDoorPerMinute);
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
