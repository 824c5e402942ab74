import { randomBytes } from 'node:crypto';
import { preparedQuery, type Db, type PreparedStatement } from '../db/database.js';
import { BrokerError, conflict } from '../errors.js';
import type { JobContext } from '../capabilities/types.js';
import { randomId, sha256Hex } from './secrets.js';
import { MISS, type LookupCache } from '../cache/lookup-cache.js';

/**
 * Job tokens: long random secrets handed to a tool's agent, stored only as a SHA-256 hash, each
 * bound to one order, buyer, tool, granted capabilities and expiry. Every request checks the row
 * (cached in process for up to a few minutes, dropped on every instance when it changes — see
 * src/cache), so a revocation or an order deletion is seen at once by every broker instance.
 */
const TOKEN_PREFIX = 'sst_';
const TOKEN_PATTERN = /^sst_[A-Za-z0-9_-]{43}$/;

export interface MintRequest {
  orderId: string;
  buyerId: string;
  toolId: string;
  capabilities: string[];
  autoApply: string[];
  ttlSeconds: number;
}

export interface MintedToken {
  jobToken: string;
  tokenId: string;
  expiresAt: Date;
}

export async function mintJobToken(db: Db, request: MintRequest): Promise<MintedToken> {
  const jobToken = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const tokenId = randomId('tok');
  const expiresAt = new Date(Date.now() + request.ttlSeconds * 1000);
  await db.transaction().execute(async (trx) => {
    // The first mint registers the order and binds it to its buyer for good.
    await trx
      .insertInto('orders')
      .values({ order_id: request.orderId, buyer_id: request.buyerId })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .execute();
    const order = await trx
      .selectFrom('orders')
      .select(['buyer_id', 'deleted_at'])
      .where('order_id', '=', request.orderId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (order.buyer_id !== request.buyerId) {
      throw conflict(`order ${request.orderId} is bound to another buyer`, { field: 'buyer_id' });
    }
    if (order.deleted_at) {
      throw conflict(`order ${request.orderId} was deleted`, { field: 'order_id' });
    }
    await trx
      .insertInto('job_tokens')
      .values({
        token_id: tokenId,
        token_hash: sha256Hex(jobToken),
        order_id: request.orderId,
        buyer_id: request.buyerId,
        tool_id: request.toolId,
        capabilities: JSON.stringify(request.capabilities),
        auto_apply: JSON.stringify(request.autoApply),
        expires_at: expiresAt,
      })
      .execute();
  });
  return { jobToken, tokenId, expiresAt };
}

const invalidToken = (message: string) => new BrokerError('INVALID_TOKEN', message);

/** What a token check needs: the token row with its order's state (one row, or none for an unknown token). */
interface TokenRow {
  token_id: string;
  order_id: string;
  buyer_id: string;
  tool_id: string;
  capabilities: string[];
  auto_apply: string[];
  expires_at: Date;
  revoked_at: Date | null;
  live_order_id: string | null;
  order_deleted_at: Date | null;
}

export type TokenCache = LookupCache<TokenRow | undefined>;

/** Runs on every token-cache miss: a prepared statement on Postgres. */
const TOKEN_WITH_ORDER: PreparedStatement = {
  name: 'job_token_with_order',
  text: `SELECT t.token_id, t.order_id, t.buyer_id, t.tool_id, t.capabilities, t.auto_apply, t.expires_at, t.revoked_at,
           o.order_id AS live_order_id, o.deleted_at AS order_deleted_at
         FROM job_tokens t LEFT JOIN orders o ON o.order_id = t.order_id
         WHERE t.token_hash = $1`,
};

async function loadTokenRow(db: Db, tokenHash: string): Promise<TokenRow | undefined> {
  const [row] = await preparedQuery<TokenRow>(db, TOKEN_WITH_ORDER, [tokenHash]);
  return row;
}

/**
 * Resolves a presented job token, checking token then order (the contract's first two checks).
 * With a cache, the row comes from memory for up to a few minutes; the invalidation triggers drop it the
 * moment the token or its order changes (unknown tokens are never kept).
 */
export async function authenticateJobToken(
  db: Db,
  presented: string | undefined,
  options: { cache?: TokenCache; tokenHash?: string } = {},
): Promise<JobContext> {
  if (!presented) throw invalidToken('missing job token: send Authorization: Bearer <job_token>');
  if (!TOKEN_PATTERN.test(presented)) throw invalidToken('malformed job token');
  const tokenHash = options.tokenHash ?? sha256Hex(presented);
  const row = options.cache
    ? await options.cache.get(tokenHash, () => loadTokenRow(db, tokenHash), tokenTags(tokenHash))
    : await loadTokenRow(db, tokenHash);
  return jobOf(row);
}

/** The contract's token and order checks on a token row, in order: what refuses it, if anything. */
function refusalOf(row: TokenRow | undefined): 'unknown' | 'revoked' | 'expired' | 'order gone' | undefined {
  if (!row) return 'unknown';
  if (row.revoked_at) return 'revoked';
  if (row.expires_at.getTime() <= Date.now()) return 'expired';
  if (!row.live_order_id || row.order_deleted_at) return 'order gone';
  return undefined;
}

type Refusal = NonNullable<ReturnType<typeof refusalOf>>;

const REFUSALS: Record<Refusal, (row: TokenRow | undefined) => BrokerError> = {
  unknown: () => invalidToken('unknown job token'),
  revoked: () => invalidToken('job token was revoked'),
  expired: () => invalidToken('job token has expired'),
  'order gone': (row) => new BrokerError('ORDER_NOT_FOUND', `order ${row?.order_id} no longer exists`),
};

/** The job of a token row, or the error that refuses it. */
function jobOf(row: TokenRow | undefined): JobContext {
  const refusal = refusalOf(row);
  if (refusal !== undefined || !row) throw REFUSALS[refusal ?? 'unknown'](row);
  return contextOf(row);
}

/** The job a token row grants (its checks passed). */
function contextOf(row: TokenRow): JobContext {
  return {
    tokenId: row.token_id,
    orderId: row.order_id,
    buyerId: row.buyer_id,
    toolId: row.tool_id,
    capabilities: row.capabilities,
    autoApply: row.auto_apply,
  };
}

/**
 * The job of a presented token whose row is in the cache and passes every check, synchronously;
 * undefined otherwise (a miss, or a refusal: authenticateJobToken then answers it, budget and all).
 * The cache holds only what the invalidation feed can drop, so a revocation is seen as before.
 */
export function cachedJob(db: Db, cache: TokenCache, presented: string, tokenHash: string): JobContext | undefined {
  if (!TOKEN_PATTERN.test(presented)) return undefined;
  const row = cache.peek(tokenHash, () => loadTokenRow(db, tokenHash), tokenTags(tokenHash));
  if (row === MISS || row === undefined || refusalOf(row) !== undefined) return undefined;
  return contextOf(row);
}

const tokenTags = (tokenHash: string) => (r: TokenRow | undefined) => (r ? [`token:${tokenHash}`, `order:${r.order_id}`] : undefined);

export async function revokeJobToken(db: Db, tokenId: string): Promise<boolean> {
  const result = await db
    .updateTable('job_tokens')
    .set({ revoked_at: new Date() })
    .where('token_id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows > 0n) return true;
  const exists = await db.selectFrom('job_tokens').select('token_id').where('token_id', '=', tokenId).executeTakeFirst();
  return exists !== undefined;
}

/** Deleting an order is final: its tokens answer ORDER_NOT_FOUND and its staged writes close. */
export async function deleteOrder(db: Db, orderId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('orders')
      .set({ deleted_at: new Date() })
      .where('order_id', '=', orderId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) {
      // Deleting twice is fine (a retried DELETE); deleting an order never seen is not.
      return (await trx.selectFrom('orders').select('order_id').where('order_id', '=', orderId).executeTakeFirst()) !== undefined;
    }
    await trx
      .updateTable('confirmations')
      .set({ status: 'rejected', updated_at: new Date() })
      .where('order_id', '=', orderId)
      .where('status', '=', 'pending')
      .execute();
    return true;
  });
}
