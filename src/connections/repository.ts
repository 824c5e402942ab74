import { randomUUID } from 'node:crypto';
import { preparedQuery, type Db, type PreparedStatement } from '../db/database.js';
import { findMarketplace, type Region } from '../marketplaces/marketplaces.js';
import type { TokenVault } from '../vault/vault.js';
import type { AuthorizationRecord, Connection } from './types.js';

/**
 * Connections and authorizations, as plain functions taking `db` first (Kysely style).
 * One authorization (encrypted refresh token) per buyer and region; one connection per participating
 * marketplace of that region; the buyer's default marketplace is the lowest `seq` (first connected).
 */

/** Associated data of a refresh-token ciphertext: the row's identity, so a ciphertext moved to another row fails. */
export function refreshTokenAad(authorizationId: string, buyerId: string): string {
  return JSON.stringify(['amazon_authorizations.refresh_token', authorizationId, buyerId]);
}

interface ConnectionRow {
  buyer_id: string;
  marketplace_id: string;
  region: string;
  selling_partner_id: string;
  authorization_id: string;
  language_tag: string | null;
  status: 'active' | 'revoked';
}

const toConnection = (row: ConnectionRow): Connection => ({
  buyerId: row.buyer_id,
  marketplaceId: row.marketplace_id,
  region: row.region as Region,
  sellingPartnerId: row.selling_partner_id,
  authorizationId: row.authorization_id,
  status: row.status,
  languageTag: row.language_tag ?? findMarketplace(row.marketplace_id)?.languageTag ?? 'en_US',
});

const CONNECTION_SELECT = `SELECT c.buyer_id, c.marketplace_id, c.region, c.selling_partner_id, c.authorization_id, c.language_tag, a.status
  FROM amazon_connections c JOIN amazon_authorizations a ON a.id = c.authorization_id`;

/** Prepared statements on Postgres (connection-cache misses are on the hot path): one per shape, each with a plan of its own. */
const CONNECTION_FOR_MARKETPLACE: PreparedStatement = {
  name: 'connection_for_marketplace',
  text: `${CONNECTION_SELECT} WHERE c.buyer_id = $1 AND c.marketplace_id = $2`,
};
const DEFAULT_CONNECTION: PreparedStatement = {
  name: 'default_connection',
  text: `${CONNECTION_SELECT} WHERE c.buyer_id = $1 ORDER BY c.seq LIMIT 1`,
};
const BUYER_CONNECTIONS: PreparedStatement = {
  name: 'buyer_connections',
  text: `${CONNECTION_SELECT} WHERE c.buyer_id = $1 ORDER BY c.seq`,
};

/**
 * The connection serving `marketplaceId`, or the buyer's default (first connected) when none is given;
 * null when there is none. A revoked authorization's connection comes back with `status: 'revoked'`.
 */
export async function findConnection(db: Db, buyerId: string, marketplaceId?: string): Promise<Connection | null> {
  const [row] =
    marketplaceId === undefined
      ? await preparedQuery<ConnectionRow>(db, DEFAULT_CONNECTION, [buyerId])
      : await preparedQuery<ConnectionRow>(db, CONNECTION_FOR_MARKETPLACE, [buyerId, marketplaceId]);
  return row ? toConnection(row) : null;
}

/** Every connection of the buyer, default first. */
export async function listConnections(db: Db, buyerId: string): Promise<Connection[]> {
  const rows = await preparedQuery<ConnectionRow>(db, BUYER_CONNECTIONS, [buyerId]);
  return rows.map(toConnection);
}

export async function findAuthorization(db: Db, authorizationId: string): Promise<AuthorizationRecord | null> {
  const row = await db
    .selectFrom('amazon_authorizations')
    .select(['id', 'buyer_id', 'region', 'selling_partner_id', 'refresh_token_ciphertext', 'status', 'revoked_reason'])
    .where('id', '=', authorizationId)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        buyerId: row.buyer_id,
        region: row.region as Region,
        sellingPartnerId: row.selling_partner_id,
        refreshTokenCiphertext: row.refresh_token_ciphertext,
        status: row.status,
        revokedReason: row.revoked_reason,
      }
    : null;
}

/**
 * Marks an authorization revoked (LWA `invalid_grant`) — only while it still holds the refresh token
 * that was refused, so a reconnect that raced the refresh is never revoked by mistake.
 */
export async function markAuthorizationRevoked(db: Db, authorizationId: string, refreshTokenCiphertext: string, reason: string) {
  const result = await db
    .updateTable('amazon_authorizations')
    .set({ status: 'revoked', revoked_reason: reason, updated_at: new Date() })
    .where('id', '=', authorizationId)
    .where('refresh_token_ciphertext', '=', refreshTokenCiphertext)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface ImportAuthorizationInput {
  buyerId: string;
  region: Region;
  sellingPartnerId: string;
  refreshToken: string;
  /** Participating marketplaces of the region, in Amazon's order (the first becomes the default if the buyer has none). */
  marketplaceIds: readonly string[];
  /** Amazon's defaultLanguageCode per marketplace, where it gave one. */
  languageTags?: Readonly<Record<string, string>>;
}

/**
 * Stores (or replaces) the buyer's authorization for the region — active again — and replaces that
 * region's connections. Marketplaces the buyer keeps keep their `seq`, so the default marketplace
 * does not move when a region is reconnected. Returns the authorization id and the buyer's
 * connections of that region.
 */
export async function importAuthorization(
  db: Db,
  vault: TokenVault,
  input: ImportAuthorizationInput,
): Promise<{ authorizationId: string; connections: Connection[] }> {
  for (let attempt = 0; ; attempt += 1) {
    const stored = await db.transaction().execute((tx) => writeAuthorization(tx, vault, input));
    if (stored) return stored;
    if (attempt >= 2) throw new Error('could not store the authorization: concurrent imports kept conflicting');
  }
}

/**
 * importAuthorization's work inside the caller's transaction (a confirm runs it together with
 * closing its pending row). undefined when a concurrent import created the buyer's row for the
 * region first: the caller starts its transaction over, and then replaces that row.
 */
export async function writeAuthorization(
  tx: Db,
  vault: TokenVault,
  input: ImportAuthorizationInput,
): Promise<{ authorizationId: string; connections: Connection[] } | undefined> {
  const marketplaceIds = [...new Set(input.marketplaceIds)].filter((id) => findMarketplace(id)?.region === input.region);
  const existing = await tx
    .selectFrom('amazon_authorizations')
    .select('id')
    .where('buyer_id', '=', input.buyerId)
    .where('region', '=', input.region)
    .forUpdate()
    .executeTakeFirst();
  const id = existing?.id ?? randomUUID();
  const ciphertext = vault.encrypt(input.refreshToken, refreshTokenAad(id, input.buyerId));
  if (existing) {
    await tx
      .updateTable('amazon_authorizations')
      .set({
        selling_partner_id: input.sellingPartnerId,
        refresh_token_ciphertext: ciphertext,
        status: 'active',
        revoked_reason: null,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
  } else {
    const inserted = await tx
      .insertInto('amazon_authorizations')
      .values({
        id,
        buyer_id: input.buyerId,
        region: input.region,
        selling_partner_id: input.sellingPartnerId,
        refresh_token_ciphertext: ciphertext,
        status: 'active',
        updated_at: new Date(),
      })
      .onConflict((oc) => oc.columns(['buyer_id', 'region']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return undefined;
  }
  let drop = tx.deleteFrom('amazon_connections').where('buyer_id', '=', input.buyerId).where('region', '=', input.region);
  if (marketplaceIds.length > 0) drop = drop.where('marketplace_id', 'not in', marketplaceIds);
  await drop.execute();
  for (const marketplaceId of marketplaceIds) {
    await tx
      .insertInto('amazon_connections')
      .values({
        buyer_id: input.buyerId,
        marketplace_id: marketplaceId,
        authorization_id: id,
        region: input.region,
        selling_partner_id: input.sellingPartnerId,
        language_tag: input.languageTags?.[marketplaceId] ?? null,
      })
      .onConflict((oc) =>
        oc
          .columns(['buyer_id', 'marketplace_id'])
          .doUpdateSet({ authorization_id: id, selling_partner_id: input.sellingPartnerId, language_tag: input.languageTags?.[marketplaceId] ?? null }),
      )
      .execute();
  }
  const connections = (await listConnections(tx, input.buyerId)).filter((c) => c.region === input.region);
  return { authorizationId: id, connections };
}

/**
 * Deletes the buyer's authorizations (and, by cascade, connections), pending ones too: a disconnect
 * also drops an authorization the buyer has not confirmed yet. Returns the deleted authorization ids.
 */
export async function deleteBuyerAuthorizations(db: Db, buyerId: string): Promise<string[]> {
  await db.deleteFrom('amazon_pending_authorizations').where('buyer_id', '=', buyerId).execute();
  const rows = await db.deleteFrom('amazon_authorizations').where('buyer_id', '=', buyerId).returning('id').execute();
  // The cascade covers connections; delete explicitly as well in case a row outlived its authorization.
  await db.deleteFrom('amazon_connections').where('buyer_id', '=', buyerId).execute();
  return rows.map((r) => r.id);
}

/**
 * Disconnect: deletes the buyer's authorizations and connections, and drops their cached access
 * tokens (pass the provider, `services.amazon.accessTokens`). The buyer's calls then get NO_CONNECTION.
 */
export async function disconnectBuyer(
  db: Db,
  buyerId: string,
  accessTokens?: { forget(authorizationId: string): Promise<void> },
): Promise<string[]> {
  const ids = await deleteBuyerAuthorizations(db, buyerId);
  if (accessTokens) await Promise.all(ids.map((id) => accessTokens.forget(id)));
  return ids;
}

/** Every stored secret, for `vault:rewrap`. */
export async function listAuthorizationCiphertexts(db: Db) {
  return db.selectFrom('amazon_authorizations').select(['id', 'buyer_id', 'refresh_token_ciphertext']).execute();
}

/** Replaces a ciphertext only if nobody changed it meanwhile (compare-and-set). */
export async function replaceCiphertext(db: Db, id: string, before: string, after: string): Promise<boolean> {
  const result = await db
    .updateTable('amazon_authorizations')
    .set({ refresh_token_ciphertext: after })
    .where('id', '=', id)
    .where('refresh_token_ciphertext', '=', before)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
