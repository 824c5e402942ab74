import type { RedisClient } from '../store/redis-client.js';
import { BrokerError, isBrokerError } from '../errors.js';

/**
 * A per-address budget of FAILED authentications (issue 11): a flood of random, well-formed
 * bearer tokens would otherwise cost one database lookup each. The success path costs nothing
 * but one in-process map write:
 * - failures are counted per client address and minute, in Redis when there is one (so the budget
 *   is shared by every instance), else — or while Redis is down — per instance;
 * - once an address has spent its budget, this instance refuses that address's unknown credentials
 *   with RATE_LIMIT before any lookup, until the minute is over;
 * - credentials that authenticated recently on this instance still pass: agents sharing an egress
 *   address with the flood (a NAT, a proxy) keep working with the tokens they already use.
 */
const WINDOW_MS = 60_000;
/** How long a credential that authenticated stays "known good" for a blocked address. */
const KNOWN_GOOD_MS = 10 * 60_000;
/** Bounds of the in-process maps: an attacker cycling addresses cannot grow them without limit. */
const MAX_ENTRIES = 20_000;

const COUNT_FAILURE = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

type FailureCounter = Pick<RedisClient, 'eval'>;

/** A Map that forgets its oldest entries beyond MAX_ENTRIES (insertion order is age). */
class BoundedExpiryMap {
  private readonly entries = new Map<string, number>();

  get(key: string, now: number): number | undefined {
    const until = this.entries.get(key);
    if (until === undefined) return undefined;
    if (until > now) return until;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, until: number) {
    this.entries.delete(key);
    this.entries.set(key, until);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }
}

export interface FailedAuthBudgetOptions {
  perMinute: number;
  /** Shared counters (every instance); undefined: this instance counts alone. */
  redis?: FailureCounter | undefined;
  keyPrefix: string;
}

export class FailedAuthBudget {
  private readonly blockedUntil = new BoundedExpiryMap();
  private readonly knownGood = new BoundedExpiryMap();
  private readonly localCounts = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly options: FailedAuthBudgetOptions) {}

  /** Before looking a credential up: refuses an address over budget, unless the credential is known good. */
  admit(address: string, credentialHash: string | undefined): void {
    const now = Date.now();
    const until = this.blockedUntil.get(address, now);
    if (until === undefined) return;
    if (credentialHash !== undefined && this.knownGood.get(credentialHash, now) !== undefined) return;
    const retryAfterS = Math.max(1, Math.ceil((until - now) / 1000));
    throw new BrokerError('RATE_LIMIT', `too many failed authentications from this address; retry after ${retryAfterS} s`, { retryAfterS });
  }

  /** A credential authenticated: it passes even while its address is blocked. */
  succeeded(credentialHash: string): void {
    const now = Date.now();
    const until = this.knownGood.get(credentialHash, now);
    // Renewed once half its time is gone: a Map write on every call churned the table for nothing.
    if (until === undefined || until - now < KNOWN_GOOD_MS / 2) this.knownGood.set(credentialHash, now + KNOWN_GOOD_MS);
  }

  /** A credential was refused: spends one unit of the address's budget; blocks the address when it is gone. */
  async failed(address: string): Promise<void> {
    const { count, ttlMs } = await this.count(address);
    if (count > this.options.perMinute) this.blockedUntil.set(address, Date.now() + ttlMs);
  }

  private async count(address: string): Promise<{ count: number; ttlMs: number }> {
    if (this.options.redis) {
      try {
        const [count, ttlMs] = (await this.options.redis.eval(COUNT_FAILURE, 1, `${this.options.keyPrefix}failed-auth:${address}`, WINDOW_MS)) as [number, number];
        return { count, ttlMs: ttlMs > 0 ? ttlMs : WINDOW_MS };
      } catch {
        // Redis down: count on this instance, as the front door does.
      }
    }
    return this.countLocally(address);
  }

  private countLocally(address: string) {
    const now = Date.now();
    let entry = this.localCounts.get(address);
    if (!entry || entry.resetAt <= now) {
      this.localCounts.delete(address);
      entry = { count: 0, resetAt: now + WINDOW_MS };
      this.localCounts.set(address, entry);
      if (this.localCounts.size > MAX_ENTRIES) this.localCounts.delete(this.localCounts.keys().next().value as string);
    }
    entry.count += 1;
    return { count: entry.count, ttlMs: entry.resetAt - now };
  }
}

/**
 * Runs one authentication under the budget: refused before any lookup when the address is over
 * budget; a refused credential (INVALID_TOKEN) spends budget; a request without any credential
 * guessed nothing and costs nothing. The credential comes as its SHA-256 (requestBearer's, so a
 * request hashes its bearer once).
 */
export async function authenticateWithinBudget<T>(
  budget: FailedAuthBudget,
  address: string,
  credentialHash: string | undefined,
  authenticate: () => Promise<T>,
): Promise<T> {
  budget.admit(address, credentialHash);
  try {
    const result = await authenticate();
    if (credentialHash !== undefined) budget.succeeded(credentialHash);
    return result;
  } catch (error) {
    if (credentialHash !== undefined && isBrokerError(error) && error.code === 'INVALID_TOKEN') await budget.failed(address);
    throw error;
  }
}
