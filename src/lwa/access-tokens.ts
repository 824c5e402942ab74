import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { BrokerError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { SharedStore } from '../store/shared-store.js';
import { type TokenVault, VaultError } from '../vault/vault.js';
import { findAuthorization, markAuthorizationRevoked, refreshTokenAad } from '../connections/repository.js';
import { LwaError, type LwaClient, type LwaTokens } from './client.js';

/**
 * LWA access tokens per authorization, refreshed 60 s before expiry (as Amazon's own SDKs do) and
 * shared between broker instances — encrypted by the vault in the shared store, plain only in this
 * process's memory. One refresh at a time per authorization: an in-process single flight plus a
 * Redis lock with an owner token (released by compare-and-delete), a re-read of the shared cache
 * after taking the lock, and waiters that poll the cache while another instance refreshes.
 * (The refresh protocol follows Nango's credentials/refresh.ts, without its unchecked lock release.)
 */
export interface AccessTokenProviderOptions {
  db: Db;
  store: SharedStore;
  vault: TokenVault;
  lwa: LwaClient;
  metrics: Metrics;
  log: Logger;
  /** Refresh this long before expiry. */
  refreshMarginMs?: number;
  /** Fail fast for this long after a transient LWA failure (doubles per consecutive failure, up to 30 s). */
  failureBackoffMs?: number;
  /** How long a caller waits for another instance's refresh before giving up (retryable). */
  lockWaitMs?: number;
  /** Lock lifetime: longer than one LWA call. */
  lockTtlMs?: number;
}

interface CachedToken {
  token: string;
  /** Epoch ms at which Amazon considers the token expired. */
  expiresAt: number;
}

const cacheKey = (authorizationId: string) => `lwa:access:${authorizationId}`;
const lockKey = (authorizationId: string) => `lwa:lock:${authorizationId}`;
const cacheAad = (authorizationId: string) => JSON.stringify(['lwa.access_token', authorizationId]);

export class AccessTokenProvider {
  readonly #o: Required<Omit<AccessTokenProviderOptions, 'lockTtlMs' | 'lockWaitMs'>> & { lockTtlMs: number; lockWaitMs: number };
  readonly #memory = new Map<string, CachedToken>();
  readonly #inflight = new Map<string, Promise<string>>();
  readonly #failures = new Map<string, { until: number; count: number; error: BrokerError }>();

  constructor(options: AccessTokenProviderOptions) {
    this.#o = {
      refreshMarginMs: 60_000,
      failureBackoffMs: 1_000,
      lockTtlMs: 15_000,
      lockWaitMs: 12_000,
      ...options,
    };
  }

  /** A valid access token for the authorization (refreshing at LWA when needed). */
  async get(authorizationId: string): Promise<string> {
    const cached = this.#memory.get(authorizationId);
    if (cached && this.#fresh(cached)) return cached.token;
    // A stale plaintext token has no reason to stay in memory.
    if (cached) this.#memory.delete(authorizationId);
    let flight = this.#inflight.get(authorizationId);
    if (!flight) {
      flight = this.#resolve(authorizationId).finally(() => this.#inflight.delete(authorizationId));
      this.#inflight.set(authorizationId, flight);
    }
    return flight;
  }

  /**
   * Drops a token Amazon refused (403 expired/invalid) — only if it is still the cached one, so a
   * token another caller just refreshed is kept.
   */
  async invalidate(authorizationId: string, token: string): Promise<void> {
    if (this.#memory.get(authorizationId)?.token === token) this.#memory.delete(authorizationId);
    const shared = await this.#readShared(authorizationId);
    if (shared?.token === token) await this.#safe(() => this.#o.store.del(cacheKey(authorizationId)));
  }

  /** Forgets every cached token of the authorization (disconnect, reconnect). */
  async forget(authorizationId: string): Promise<void> {
    this.#memory.delete(authorizationId);
    this.#failures.delete(authorizationId);
    await this.#safe(() => this.#o.store.del(cacheKey(authorizationId)));
  }

  /** Seeds the cache with a token just obtained (import / OAuth callback), saving a second LWA call. */
  async prime(authorizationId: string, tokens: LwaTokens): Promise<void> {
    this.#failures.delete(authorizationId);
    await this.#store(authorizationId, { token: tokens.accessToken, expiresAt: Date.now() + tokens.expiresIn * 1000 });
  }

  /** Drops expired tokens and lapsed failure back-offs (authorizations replaced or disconnected elsewhere). */
  #sweep() {
    const now = Date.now();
    for (const [id, entry] of this.#memory) if (entry.expiresAt <= now) this.#memory.delete(id);
    for (const [id, failure] of this.#failures) if (failure.until <= now) this.#failures.delete(id);
  }

  #fresh(entry: CachedToken) {
    return entry.expiresAt - this.#o.refreshMarginMs > Date.now();
  }

  async #resolve(authorizationId: string): Promise<string> {
    const shared = await this.#readShared(authorizationId);
    if (shared && this.#fresh(shared)) {
      this.#memory.set(authorizationId, shared);
      return shared.token;
    }
    const failure = this.#failures.get(authorizationId);
    if (failure && failure.until > Date.now()) throw failure.error;

    const deadline = Date.now() + this.#o.lockWaitMs;
    const owner = randomBytes(16).toString('hex');
    for (;;) {
      const locked = await this.#lock(authorizationId, owner);
      if (locked) {
        try {
          // Another instance may have refreshed between our read and our lock.
          const again = await this.#readShared(authorizationId);
          if (again && this.#fresh(again)) {
            this.#memory.set(authorizationId, again);
            return again.token;
          }
          return await this.#refresh(authorizationId);
        } finally {
          if (locked !== 'unlocked') await this.#safe(() => this.#o.store.deleteIfEquals(lockKey(authorizationId), owner));
        }
      }
      // Someone else refreshes: poll the shared cache until it appears or their lock goes away.
      await sleep(25 + Math.random() * 25);
      const polled = await this.#readShared(authorizationId);
      if (polled && this.#fresh(polled)) {
        this.#memory.set(authorizationId, polled);
        return polled.token;
      }
      if (Date.now() > deadline) {
        throw new BrokerError('SP_API_ERROR', 'Amazon login (LWA) refresh is taking too long; try again', {
          retryable: true,
          details: { status: 0, lwa_error: 'refresh_in_progress' },
        });
      }
    }
  }

  /** true: we own the lock; 'unlocked': the store is unreachable, go ahead without it; false: held by another. */
  async #lock(authorizationId: string, owner: string): Promise<boolean | 'unlocked'> {
    try {
      return await this.#o.store.setIfAbsent(lockKey(authorizationId), owner, this.#o.lockTtlMs);
    } catch (error) {
      this.#o.log.warn({ err: errorSummary(error) }, 'shared store unavailable: refreshing LWA token without the cross-instance lock');
      return 'unlocked';
    }
  }

  async #refresh(authorizationId: string): Promise<string> {
    const { db, vault, lwa, metrics, log } = this.#o;
    const authorization = await findAuthorization(db, authorizationId);
    if (!authorization) throw new BrokerError('NO_CONNECTION', 'the buyer has no Amazon connection for this marketplace');
    // A revoked grant stays revoked until the buyer reconnects: no LWA call for it.
    if (authorization.status !== 'active') throw tokenExpired();
    let refreshToken: string;
    try {
      refreshToken = vault.decrypt(authorization.refreshTokenCiphertext, refreshTokenAad(authorization.id, authorization.buyerId));
    } catch (error) {
      if (!(error instanceof VaultError)) throw error;
      // Fails closed, loudly: a ciphertext moved from another row, tampered with, or under a dropped key.
      log.error({ authorization_id: authorizationId, incident: 'refresh_token_unverifiable' }, 'stored refresh token failed authentication; refusing to use it');
      throw new BrokerError('INTERNAL_ERROR', "the buyer's stored Amazon authorization could not be verified and was not used; the buyer should reconnect Amazon");
    }
    let tokens: LwaTokens;
    try {
      tokens = await lwa.refresh(refreshToken);
    } catch (error) {
      if (!(error instanceof LwaError)) throw error;
      metrics.lwaRefreshes.inc({ outcome: error.kind });
      if (error.kind === 'invalid_grant') {
        await markAuthorizationRevoked(db, authorizationId, authorization.refreshTokenCiphertext, 'invalid_grant');
        this.#memory.delete(authorizationId);
        await this.#safe(() => this.#o.store.del(cacheKey(authorizationId)));
        log.warn({ authorization_id: authorizationId, region: authorization.region }, 'LWA invalid_grant: authorization revoked');
        throw tokenExpired();
      }
      const brokerError = new BrokerError('SP_API_ERROR', 'Amazon login (LWA) is unavailable; try again shortly', {
        retryable: error.kind === 'transient',
        details: { status: error.status, lwa_error: error.lwaError },
      });
      const count = (this.#failures.get(authorizationId)?.count ?? 0) + 1;
      const backoff = Math.min(this.#o.failureBackoffMs * 2 ** (count - 1), 30_000);
      this.#failures.set(authorizationId, { until: Date.now() + backoff, count, error: brokerError });
      log.warn({ authorization_id: authorizationId, status: error.status, lwa_error: error.lwaError }, 'LWA refresh failed');
      throw brokerError;
    }
    metrics.lwaRefreshes.inc({ outcome: 'success' });
    this.#failures.delete(authorizationId);
    const entry = { token: tokens.accessToken, expiresAt: Date.now() + tokens.expiresIn * 1000 };
    await this.#store(authorizationId, entry);
    log.debug({ authorization_id: authorizationId, expires_in: tokens.expiresIn }, 'LWA access token refreshed');
    return entry.token;
  }

  async #store(authorizationId: string, entry: CachedToken) {
    this.#memory.set(authorizationId, entry);
    if (this.#memory.size > 1_000) this.#sweep();
    const ttl = entry.expiresAt - Date.now();
    if (ttl <= 0) return;
    const ciphertext = this.#o.vault.encrypt(JSON.stringify(entry), cacheAad(authorizationId));
    await this.#safe(() => this.#o.store.set(cacheKey(authorizationId), ciphertext, ttl));
  }

  async #readShared(authorizationId: string): Promise<CachedToken | undefined> {
    const raw = await this.#safe(() => this.#o.store.get(cacheKey(authorizationId)));
    if (!raw) return undefined;
    try {
      const value = JSON.parse(this.#o.vault.decrypt(raw, cacheAad(authorizationId))) as CachedToken;
      return typeof value.token === 'string' && typeof value.expiresAt === 'number' ? value : undefined;
    } catch {
      // Under a dropped key, or tampered: a cache miss, never an error.
      return undefined;
    }
  }

  async #safe<T>(operation: () => Promise<T>): Promise<T | undefined> {
    try {
      return await operation();
    } catch (error) {
      this.#o.log.warn({ err: errorSummary(error) }, 'shared store unavailable for the LWA token cache');
      return undefined;
    }
  }
}

const tokenExpired = () =>
  new BrokerError('TOKEN_EXPIRED', "the buyer's Amazon authorization was revoked; the buyer must reconnect Amazon");

const errorSummary = (error: unknown) => (error instanceof Error ? { name: error.name, message: error.message } : String(error));
