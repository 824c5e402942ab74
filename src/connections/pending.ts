import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import type { Region } from '../marketplaces/marketplaces.js';
import { VaultError, type TokenVault } from '../vault/vault.js';
import { writeAuthorization } from './repository.js';
import { connectionView, type ConnectionView } from './view.js';

/**
 * Pending authorizations: what an OAuth callback brought, until SellerShorts confirms it for the
 * buyer who started the flow. The callback only proves *a* seller consented; only SellerShorts knows
 * whether the person in the browser is that buyer (RFC 6749 §10.12: a consent link forwarded to a
 * stranger signed in to Seller Central would otherwise link the stranger's account to the sender).
 * Nothing here touches the buyer's authorizations or connections until the confirm.
 */
export const PENDING_AUTHORIZATION_TTL_MS = 10 * 60 * 1000;

/** Associated data of a pending refresh-token ciphertext: its own table and row, so it cannot pass for another row's. */
export function pendingRefreshTokenAad(id: string, buyerId: string): string {
  return JSON.stringify(['amazon_pending_authorizations.refresh_token', id, buyerId]);
}

export interface PendingAuthorizationInput {
  buyerId: string;
  region: Region;
  sellingPartnerId: string;
  refreshToken: string;
  /** Participating marketplaces of the region, in Amazon's order, as the callback read them. */
  marketplaceIds: readonly string[];
  languageTags: Readonly<Record<string, string>>;
}

export async function createPendingAuthorization(
  db: Db,
  vault: TokenVault,
  input: PendingAuthorizationInput,
  now = new Date(),
): Promise<{ id: string; expiresAt: Date }> {
  const id = `azp_${randomBytes(18).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + PENDING_AUTHORIZATION_TTL_MS);
  await db
    .insertInto('amazon_pending_authorizations')
    .values({
      id,
      buyer_id: input.buyerId,
      region: input.region,
      selling_partner_id: input.sellingPartnerId,
      refresh_token_ciphertext: vault.encrypt(input.refreshToken, pendingRefreshTokenAad(id, input.buyerId)),
      marketplace_ids: JSON.stringify(input.marketplaceIds),
      language_tags: JSON.stringify(input.languageTags),
      status: 'pending',
      expires_at: expiresAt,
      created_at: now,
    })
    .execute();
  return { id, expiresAt };
}

export interface ConfirmedAuthorization {
  /** The buyer's authorization (amazon_authorizations.id) the pending one became. */
  authorizationId: string;
  region: Region;
  sellingPartnerId: string;
  connections: ConnectionView[];
}

export type ConfirmStep =
  | ({ kind: 'confirmed'; first: boolean } & ConfirmedAuthorization)
  | { kind: 'not_found' }
  /** `closedNow`: this confirm found it past its time and erased it (the janitor had not yet). */
  | { kind: 'expired'; closedNow: boolean; unreadable: boolean; region: Region };

interface StoredResult {
  authorization_id: string;
  connections: ConnectionView[];
}

/**
 * Makes the pending authorization the buyer's — or says why not. One transaction, the pending row
 * locked: two confirms at once connect once, and the second answers what the first stored. A row of
 * another buyer is `not_found`, as an unknown one. Past its time it is closed here (status expired,
 * refresh token erased) and never connects, whether or not the janitor got to it first.
 */
export async function confirmPendingAuthorization(
  db: Db,
  vault: TokenVault,
  input: { buyerId: string; id: string },
  now = new Date(),
): Promise<ConfirmStep> {
  for (let attempt = 0; ; attempt += 1) {
    const step = await db.transaction().execute(async (tx): Promise<ConfirmStep | undefined> => {
      const row = await tx
        .selectFrom('amazon_pending_authorizations')
        .selectAll()
        .where('id', '=', input.id)
        .where('buyer_id', '=', input.buyerId)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return { kind: 'not_found' };
      const region = row.region as Region;
      if (row.status === 'confirmed') {
        const stored = row.result as StoredResult;
        return { kind: 'confirmed', first: false, authorizationId: stored.authorization_id, region, sellingPartnerId: row.selling_partner_id, connections: stored.connections };
      }
      if (row.status === 'expired') return { kind: 'expired', closedNow: false, unreadable: false, region };
      if (row.expires_at.getTime() <= now.getTime() || row.refresh_token_ciphertext === null) {
        await closeExpired(tx, input.id);
        return { kind: 'expired', closedNow: true, unreadable: false, region };
      }
      let refreshToken: string;
      try {
        refreshToken = vault.decrypt(row.refresh_token_ciphertext, pendingRefreshTokenAad(row.id, row.buyer_id));
      } catch (error) {
        // Its vault key was dropped from VAULT_KEYS within these 10 minutes: only a new consent helps.
        if (!(error instanceof VaultError)) throw error;
        await closeExpired(tx, input.id);
        return { kind: 'expired', closedNow: true, unreadable: true, region };
      }
      const stored = await writeAuthorization(tx, vault, {
        buyerId: row.buyer_id,
        region,
        sellingPartnerId: row.selling_partner_id,
        refreshToken,
        marketplaceIds: row.marketplace_ids,
        languageTags: row.language_tags,
      });
      // A concurrent import created the buyer's row for the region: nothing was written, go again.
      if (!stored) return undefined;
      const connections = stored.connections.map(connectionView);
      const result: StoredResult = { authorization_id: stored.authorizationId, connections };
      await tx
        .updateTable('amazon_pending_authorizations')
        .set({ status: 'confirmed', refresh_token_ciphertext: null, confirmed_at: now, result: JSON.stringify(result) })
        .where('id', '=', input.id)
        .execute();
      return { kind: 'confirmed', first: true, authorizationId: stored.authorizationId, region, sellingPartnerId: row.selling_partner_id, connections };
    });
    if (step) return step;
    if (attempt >= 2) throw new Error('could not confirm the authorization: concurrent imports kept conflicting');
  }
}

/** Pending rows that outlived their 10 minutes: closed and their refresh token erased. Returns what was closed. */
export async function expirePendingAuthorizations(db: Db, now = new Date()): Promise<{ id: string; buyerId: string }[]> {
  const rows = await db
    .updateTable('amazon_pending_authorizations')
    .set({ status: 'expired', refresh_token_ciphertext: null })
    .where('status', '=', 'pending')
    .where('expires_at', '<=', now)
    .returning(['id', 'buyer_id'])
    .execute();
  return rows.map((r) => ({ id: r.id, buyerId: r.buyer_id }));
}

function closeExpired(tx: Db, id: string) {
  return tx.updateTable('amazon_pending_authorizations').set({ status: 'expired', refresh_token_ciphertext: null }).where('id', '=', id).execute();
}
