import type { BaseLogger, Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { AccessTokenProvider } from '../lwa/access-tokens.js';
import { LwaClient } from '../lwa/client.js';
import type { Metrics } from '../metrics.js';
import type { QuotaKey, QuotaLimiter } from '../quota/types.js';
import type { SharedStore } from '../store/shared-store.js';
import type { TokenVault } from '../vault/vault.js';
import { DocumentTransfer } from './documents.js';
import { amazonErrors, sleep } from './http.js';
import { afterErrorAnswer, afterNoAnswer, afterThrottled, noAnswerReason, type Attempt, type NextStep } from './retry-policy.js';
import { RequestSigner } from './signing.js';
import { RegionalTransport, type Answer, type Outgoing } from './transport.js';
import { ablate, memoized } from '../bench-ablation.js';

const ablatedTokens = new Map<string, Promise<string>>();
const ablatedAnswers = new Map<string, Promise<Answer>>();
import { postToUploadDestination } from './upload-destinations.js';
import type { AmazonApi, SellerContext, SpApiRequest, SpApiResponse } from './types.js';

/**
 * The SP-API client: per attempt a quota token, the LWA access token, then the signed request under
 * a time limit covering headers and body (./transport.ts); what a failed attempt leads to — retry,
 * a fresh token, or which BrokerError — is the retry policy (./retry-policy.ts).
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
  /** The quota this seller's calls take (a capability call's own, src/quota/call-quota.ts); the shared limiter by default. */
  quota?: QuotaLimiter;
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

/** An attempt's outcome: Amazon's success answer, or what the retry policy says to do next. */
type AttemptResult<T> = { kind: 'answered'; response: SpApiResponse<T> } | NextStep;

export function createAmazonApiFactory(deps: AmazonApiDeps): AmazonApiFactory {
  const { config, metrics } = deps;
  const lwa = deps.lwa ?? LwaClient.fromConfig(config);
  const accessTokens = deps.accessTokens ?? createAccessTokens(deps, lwa);
  const transport = new RegionalTransport(config, config.aws ? new RequestSigner(config.aws) : undefined);
  const documents = new DocumentTransfer(config, metrics);
  const retryBaseMs = deps.retryBaseMs ?? 250;

  function forSeller(seller: SellerContext, options: ForSellerOptions = {}): AmazonApi {
    const log = options.log ?? deps.log;
    const quota = options.quota ?? deps.quota;
    const requestIds: string[] = [];
    const tokenFor = () =>
      options.accessToken !== undefined
        ? Promise.resolve(options.accessToken)
        : ablate.access_token
          ? memoized(ablatedTokens, seller.authorizationId, () => accessTokens.get(seller.authorizationId))
          : accessTokens.get(seller.authorizationId);

    /** Attempts until one succeeds or the retry policy gives up; each attempt takes quota and a token first. */
    async function call<T>(req: SpApiRequest): Promise<SpApiResponse<T>> {
      const key: QuotaKey = { sellingPartnerId: seller.sellingPartnerId, region: seller.region, operation: req.operation };
      const outgoing = transport.prepare(seller.region, req);
      const quotaDeadline = Date.now() + config.quotaMaxWaitMs;
      const attempt: Attempt = { operation: req.operation, isRead: req.method === 'GET', number: 1, retryBaseMs };
      // A token given by the caller is theirs to renew; a stored authorization's is renewed once.
      let tokenRefreshable = options.accessToken === undefined;
      for (;;) {
        await takeQuota(key);
        const token = await tokenFor();
        const result = await attemptOnce<T>(key, outgoing, token, attempt, quotaDeadline, tokenRefreshable);
        if (result.kind === 'answered') return result.response;
        if (result.kind === 'fail') throw result.error;
        if (result.kind === 'retry') {
          await sleep(result.delayMs);
          attempt.number += 1;
        } else {
          // Amazon rejected the token before acting: the same attempt again, with a fresh token.
          tokenRefreshable = false;
          await accessTokens.invalidate(seller.authorizationId, token);
        }
      }
    }

    /** Waits for the seller's quota. */
    async function takeQuota(key: QuotaKey) {
      if (ablate.quota) return;
      const queued = performance.now();
      await quota.acquire(key);
      if (!ablate.metrics) metrics.quotaWaits.observe({ operation: key.operation }, (performance.now() - queued) / 1000);
    }

    /** One send, recorded (metrics, log, request id, Amazon's stated rate), and its answer classified. */
    async function attemptOnce<T>(
      key: QuotaKey,
      outgoing: Outgoing,
      token: string,
      attempt: Attempt,
      quotaDeadline: number,
      tokenRefreshable: boolean,
    ): Promise<AttemptResult<T>> {
      const { operation } = attempt;
      const started = performance.now();
      let answer: Answer;
      try {
        answer = ablate.spapi
          ? await memoized(ablatedAnswers, outgoing.path, () => transport.send(seller.region, outgoing, token))
          : await transport.send(seller.region, outgoing, token);
      } catch (error) {
        observe(operation, 0, started);
        log.debug({ operation, status: 0, reason: noAnswerReason(error), latency_ms: Math.round(performance.now() - started) }, 'SP-API call failed');
        return afterNoAnswer(error, attempt, config.spapiTimeoutMs);
      }
      const { status, headers } = answer;
      const requestId = headers['x-amzn-requestid'];
      if (requestId) requestIds.push(requestId);
      observe(operation, status, started);
      log.debug({ operation, status, request_id: requestId, latency_ms: Math.round(performance.now() - started) }, 'SP-API call');
      await learnRateLimit(key, headers);
      if (status >= 200 && status < 300) {
        return { kind: 'answered', response: { status, body: answer.body as T, headers, ...(requestId ? { requestId } : {}) } };
      }
      const errors = amazonErrors(answer.body);
      if (status === 429) return afterThrottled(await quota.penalize(key), quotaDeadline, errors, requestId, attempt);
      return afterErrorAnswer(status, errors, requestId, attempt, tokenRefreshable);
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

  /** Amazon states the seller's rate per answer (x-amzn-RateLimit-Limit); the limiter lowers ours to it. */
  async function learnRateLimit(key: QuotaKey, headers: Record<string, string>) {
    const stated = headers['x-amzn-ratelimit-limit'];
    const limit = Number(stated);
    if (stated !== undefined && Number.isFinite(limit) && limit > 0) await deps.quota.observeRateLimit(key, limit).catch(() => {});
  }

  function observe(operation: string, status: number, started: number) {
    if (!ablate.metrics) metrics.amazonCalls.observe({ operation, status: String(status) }, (performance.now() - started) / 1000);
  }

  return {
    forSeller,
    lwa,
    accessTokens,
    async close() {
      await transport.close();
      await documents.close();
      if (!deps.lwa) await lwa.close();
    },
  };
}

function createAccessTokens(deps: AmazonApiDeps, lwa: LwaClient): AccessTokenProvider {
  const { config } = deps;
  return new AccessTokenProvider({
    db: deps.db,
    store: deps.store,
    vault: deps.vault,
    lwa,
    metrics: deps.metrics,
    log: deps.log,
    // The lock outlives one LWA call (bounded by the timeout); waiters give up a little before it expires.
    lockTtlMs: config.spapiTimeoutMs + 5_000,
    lockWaitMs: config.spapiTimeoutMs + 2_000,
  });
}
