import type { BaseLogger, Logger } from 'pino';
import { Pool, type Dispatcher } from 'undici';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { BrokerError } from '../errors.js';
import { AccessTokenProvider } from '../lwa/access-tokens.js';
import { LwaClient } from '../lwa/client.js';
import { regionEndpoint, type Region } from '../marketplaces/marketplaces.js';
import type { Metrics } from '../metrics.js';
import type { QuotaKey, QuotaLimiter } from '../quota/types.js';
import type { FrontDoorTicket } from '../quota/front-door-counter.js';
import type { SharedStore } from '../store/shared-store.js';
import type { TokenVault } from '../vault/vault.js';
import { DocumentTransfer } from './documents.js';
import {
  USER_AGENT,
  amazonErrors,
  backoffDelay,
  buildQuery,
  exchange,
  failedBeforeSending,
  networkReason,
  parseJsonBody,
  sleep,
} from './http.js';
import { RequestSigner } from './signing.js';
import { postToUploadDestination } from './upload-destinations.js';
import type { AmazonApi, SellerContext, SpApiRequest, SpApiResponse } from './types.js';

/**
 * The SP-API client: one undici Pool per regional host; per attempt a quota token, the LWA access
 * token, SigV4 (when AWS credentials are configured) and a time limit covering headers and body.
 *
 * Retry policy (written down because writes must never be repeated by accident):
 * - GET: up to 3 attempts, jittered exponential backoff, on network errors and 5xx; on 429 after
 *   the quota limiter's wait when it fits the quota budget. A timeout is not retried (a stalled
 *   Amazon would triple the caller's wait).
 * - Any other method: retried only when the request certainly never left (connection refused);
 *   a 429 becomes RATE_LIMIT; 5xx, resets and timeouts become SP_API_ERROR.
 * - Any method: a 403 for an expired/invalid access token is retried once with a fresh token —
 *   Amazon rejected it before acting.
 */
export interface AmazonApiFactory {
  forSeller(seller: SellerContext, options?: ForSellerOptions): AmazonApi;
  /** The LWA client (refresh-token import, OAuth code exchange). */
  readonly lwa: LwaClient;
  /** Access tokens per authorization (drop them on disconnect, prime them after import). */
  readonly accessTokens: AccessTokenProvider;
  close(): Promise<void>;
}

/** Any pino-style logger (the request's Fastify logger, or the app's). */
export type ClientLog = Pick<BaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

export interface ForSellerOptions {
  log?: ClientLog;
  /** Use this access token instead of the stored authorization's (connecting, before anything is stored). */
  accessToken?: string;
  /** The capability call's front-door count, taken with its first quota reservation. */
  frontDoor?: FrontDoorTicket;
}

export interface AmazonApiDeps {
  config: Config;
  db: Db;
  store: SharedStore;
  vault: TokenVault;
  quota: QuotaLimiter;
  log: Logger;
  metrics: Metrics;
  lwa?: LwaClient;
  accessTokens?: AccessTokenProvider;
  /** Base of the jittered backoff between GET retries (ms). */
  retryBaseMs?: number;
}

const MAX_ATTEMPTS = 3;
/** The Solicitations API produces application/hal+json (its model's `produces`); the rest answer JSON. */
const HAL_OPERATIONS = new Set<string>(['getSolicitationActionsForOrder', 'createProductReviewAndSellerFeedbackSolicitation']);
const acceptFor = (operation: string) => (HAL_OPERATIONS.has(operation) ? 'application/hal+json, application/json' : 'application/json');
const EXPIRED_TOKEN = /access token.*(expired|revoked|malformed|invalid)/i;

export function createAmazonApiFactory(deps: AmazonApiDeps): AmazonApiFactory {
  const { config, quota, metrics } = deps;
  const lwa = deps.lwa ?? LwaClient.fromConfig(config);
  const accessTokens =
    deps.accessTokens ??
    new AccessTokenProvider({
      db: deps.db,
      store: deps.store,
      vault: deps.vault,
      lwa,
      metrics,
      log: deps.log,
      // The lock outlives one LWA call (bounded by the timeout); waiters give up a little before it expires.
      lockTtlMs: config.spapiTimeoutMs + 5_000,
      lockWaitMs: config.spapiTimeoutMs + 2_000,
    });
  const signer = config.aws ? new RequestSigner(config.aws) : undefined;
  const documents = new DocumentTransfer(config, metrics);
  const retryBaseMs = deps.retryBaseMs ?? 250;
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: 32, keepAliveTimeout: 30_000, pipelining: 1 });
      pools.set(origin, pool);
    }
    return pool;
  };

  // Parsed once per region: parsing the URL on every call is a visible part of a call's cost.
  const bases = new Map<Region, { origin: string; basePath: string }>();
  const baseOf = (region: Region) => {
    let base = bases.get(region);
    if (!base) {
      const url = new URL(regionEndpoint(config, region));
      base = { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
      bases.set(region, base);
    }
    return base;
  };

  function forSeller(seller: SellerContext, options: ForSellerOptions = {}): AmazonApi {
    const log = options.log ?? deps.log;
    const { origin, basePath } = baseOf(seller.region);
    const requestIds: string[] = [];
    const tokenFor = () => (options.accessToken !== undefined ? Promise.resolve(options.accessToken) : accessTokens.get(seller.authorizationId));

    async function call<T>(req: SpApiRequest): Promise<SpApiResponse<T>> {
      const key: QuotaKey = { sellingPartnerId: seller.sellingPartnerId, region: seller.region, operation: req.operation };
      const isRead = req.method === 'GET';
      // buildQuery encodes every byte a URL would (RFC 3986), so the query is sent as built.
      const search = buildQuery(req.query);
      // The path is sent as built, never through the URL parser: it would drop a SKU "." or ".."
      // (even percent-encoded) as a dot segment and call another resource.
      const path = `${basePath}${req.path}`;
      const body = req.body === undefined ? undefined : JSON.stringify(req.body);
      const quotaDeadline = Date.now() + config.quotaMaxWaitMs;
      let tokenRetried = false;
      for (let attempt = 1; ; attempt += 1) {
        const queued = performance.now();
        await quota.acquire(key, options.frontDoor ? { frontDoor: options.frontDoor } : {});
        metrics.quotaWaits.observe({ operation: req.operation }, (performance.now() - queued) / 1000);
        const token = await tokenFor();
        const started = performance.now();
        let answer: Answer;
        try {
          answer = await send(seller.region, { origin, search, path, method: req.method, token, body, accept: acceptFor(req.operation) });
        } catch (error) {
          observe(req.operation, 0, started);
          const timedOut = error instanceof TimeoutError;
          const reason = timedOut ? 'timeout' : networkReason(error);
          log.debug({ operation: req.operation, status: 0, reason, latency_ms: Math.round(performance.now() - started) }, 'SP-API call failed');
          const retry = !timedOut && attempt < MAX_ATTEMPTS && (isRead || failedBeforeSending(error));
          if (retry) {
            await sleep(backoffDelay(attempt, retryBaseMs));
            continue;
          }
          throw new BrokerError(
            'SP_API_ERROR',
            timedOut
              ? `Amazon did not answer ${req.operation} within ${config.spapiTimeoutMs} ms`
              : `could not reach Amazon for ${req.operation} (${reason})`,
            // A write that may have reached Amazon is not safe to repeat blindly.
            { retryable: isRead || failedBeforeSending(error), details: { status: 0, errors: [], reason } },
          );
        }
        const { status, headers } = answer;
        const requestId = headers['x-amzn-requestid'];
        if (requestId) requestIds.push(requestId);
        observe(req.operation, status, started);
        log.debug(
          { operation: req.operation, status, request_id: requestId, latency_ms: Math.round(performance.now() - started) },
          'SP-API call',
        );
        const limit = Number(headers['x-amzn-ratelimit-limit']);
        if (headers['x-amzn-ratelimit-limit'] !== undefined && Number.isFinite(limit) && limit > 0) {
          await quota.observeRateLimit(key, limit).catch(() => {});
        }
        if (status >= 200 && status < 300) {
          return { status, body: answer.body as T, headers, ...(requestId ? { requestId } : {}) };
        }
        const errors = amazonErrors(answer.body);
        if (status === 429) {
          const waitMs = await quota.penalize(key);
          if (isRead && attempt < MAX_ATTEMPTS && Date.now() + waitMs <= quotaDeadline) {
            await sleep(waitMs + Math.random() * 50);
            continue;
          }
          throw new BrokerError('RATE_LIMIT', `Amazon throttled ${req.operation} for this seller; retry later`, {
            retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)),
            details: { status, errors, ...(requestId ? { request_id: requestId } : {}) },
          });
        }
        if (status === 403 && !tokenRetried && options.accessToken === undefined && isExpiredToken(errors)) {
          tokenRetried = true;
          await accessTokens.invalidate(seller.authorizationId, token);
          attempt -= 1;
          continue;
        }
        if (status >= 500 && isRead && attempt < MAX_ATTEMPTS) {
          await sleep(backoffDelay(attempt, retryBaseMs));
          continue;
        }
        throw amazonError(req.operation, status, errors, requestId, status >= 500 && isRead);
      }
    }

    return {
      seller,
      requestIds,
      call,
      download: (url, opts) => documents.download(url, opts),
      openDocument: (url, opts) => documents.open(url, opts),
      upload: (url, contentType, body) => documents.upload(url, contentType, body),
      uploadToDestination: (url, headers, file) => postToUploadDestination(config, url, headers, file),
    };
  }

  interface Answer {
    status: number;
    headers: Record<string, string>;
    body: unknown;
  }

  /** One attempt's request: `path` is the encoded path as sent, `search` the encoded query ('' or '?…'). */
  interface Outgoing {
    origin: string;
    search: string;
    path: string;
    method: string;
    token: string;
    body: string | undefined;
    accept: string;
  }

  /** One attempt; the time limit covers connecting, the headers and the whole body. */
  async function send(region: Region, { origin, search, path, method, token, body, accept }: Outgoing): Promise<Answer> {
    let headers: Record<string, string> = {
      'x-amz-access-token': token,
      'user-agent': USER_AGENT,
      accept,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    };
    const now = new Date();
    if (signer) headers = await signer.sign(region, { method, url: new URL(`/${search}`, origin), path, headers, body }, now); // the path is given as sent
    else headers['x-amz-date'] = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const answer = await exchange(
      poolFor(origin),
      { method: method as Dispatcher.HttpMethod, path: `${path}${search}`, headers, body: body ?? null },
      config.spapiTimeoutMs,
      () => new TimeoutError(),
    );
    return { status: answer.status, headers: answer.headers, body: parseJsonBody(answer.text) };
  }

  function observe(operation: string, status: number, started: number) {
    metrics.amazonCalls.observe({ operation, status: String(status) }, (performance.now() - started) / 1000);
  }

  return {
    forSeller,
    lwa,
    accessTokens,
    async close() {
      await Promise.allSettled([...pools.values()].map((pool) => pool.close()));
      pools.clear();
      await documents.close();
      if (!deps.lwa) await lwa.close();
    },
  };
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

function isExpiredToken(errors: unknown[]): boolean {
  return errors.some((e) => {
    if (!e || typeof e !== 'object') return false;
    const { message, details } = e as { message?: unknown; details?: unknown };
    return EXPIRED_TOKEN.test(`${String(message ?? '')} ${String(details ?? '')}`);
  });
}

/** Amazon's error answer as the broker's SP_API_ERROR: Amazon's status and `errors` array, as given. */
export function amazonError(operation: string, status: number, errors: unknown[], requestId: string | undefined, retryable: boolean) {
  const first = errors[0] as { message?: unknown } | undefined;
  const text = typeof first?.message === 'string' ? `: ${first.message}` : '';
  return new BrokerError('SP_API_ERROR', `Amazon answered ${status} to ${operation}${text}`, {
    retryable,
    details: { status, errors, ...(requestId ? { request_id: requestId } : {}) },
  });
}

