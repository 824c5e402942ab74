import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database.js';
import { invalidRequest } from '../errors.js';
import type { Region } from '../marketplaces/marketplaces.js';
import type { TokenVault } from '../vault/vault.js';

/**
 * The OAuth `state` of the website authorization workflow (docs/amazon.md#lwa-and-authorization):
 * short-lived, single-use and verifiably ours (CSRF). `<id>.<mac>`: a random id stored in
 * `oauth_states`, and an HMAC of it under a key derived (HKDF) from the vault's keys, so forged
 * states are refused before any lookup.
 * Consuming marks the row used atomically: a replay finds nothing to mark.
 */
export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;
const PURPOSE = 'oauth-state/v1';

const mac = (key: Buffer, id: string) => createHmac('sha256', key).update(`oauth-state:${id}`).digest('base64url');

export interface OAuthStateRecord {
  buyerId: string;
  region: Region;
  returnTo: string | null;
}

export async function createOAuthState(
  db: Db,
  vault: TokenVault,
  input: { buyerId: string; region: Region; returnTo?: string | undefined },
  now = new Date(),
): Promise<{ state: string; expiresAt: Date }> {
  const id = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + OAUTH_STATE_TTL_MS);
  await db
    .insertInto('oauth_states')
    .values({ id, buyer_id: input.buyerId, region: input.region, return_to: input.returnTo ?? null, expires_at: expiresAt })
    .execute();
  const [current] = vault.deriveKeys(PURPOSE);
  return { state: `${id}.${mac((current as { key: Buffer }).key, id)}`, expiresAt };
}

/** Verifies and consumes a state; forged, expired or replayed → 400 INVALID_REQUEST. */
export async function consumeOAuthState(db: Db, vault: TokenVault, state: string, now = new Date()): Promise<OAuthStateRecord> {
  const [id, signature, extra] = state.split('.');
  if (!id || !signature || extra !== undefined || !verify(vault, id, signature)) {
    throw invalidRequest('invalid OAuth state', { field: 'state' });
  }
  const row = await db
    .updateTable('oauth_states')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['buyer_id', 'region', 'return_to'])
    .executeTakeFirst();
  if (!row) throw invalidRequest('OAuth state expired or already used; start the authorization again', { field: 'state' });
  return { buyerId: row.buyer_id, region: row.region as Region, returnTo: row.return_to };
}

function verify(vault: TokenVault, id: string, signature: string): boolean {
  const given = Buffer.from(signature, 'base64url');
  // Every key of the ring: a state issued just before a key rotation stays valid for its 10 minutes.
  return vault.deriveKeys(PURPOSE).some(({ key }) => {
    const expected = Buffer.from(mac(key, id), 'base64url');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
