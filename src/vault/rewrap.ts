import type { Db } from '../db/database.js';
import { listAuthorizationCiphertexts, refreshTokenAad, replaceCiphertext } from '../connections/repository.js';
import type { TokenVault } from './vault.js';

export interface RewrapResult {
  /** Secrets re-encrypted under the current key. */
  rewrapped: number;
  /** Already under the current key. */
  current: number;
  /** Changed by someone else meanwhile (a reconnect): they are under the current key anyway. */
  skipped: number;
}

/**
 * Re-encrypts every stored secret under the vault's current (first) key, so older keys can then
 * be dropped from VAULT_KEYS. Compare-and-set per row: a reconnect racing the rewrap wins.
 * The shared access-token cache is not rewrapped: its entries live at most an hour, and one that
 * no longer decrypts is simply a cache miss.
 */
export async function rewrapSecrets(db: Db, vault: TokenVault): Promise<RewrapResult> {
  const result: RewrapResult = { rewrapped: 0, current: 0, skipped: 0 };
  for (const row of await listAuthorizationCiphertexts(db)) {
    if (!vault.needsRewrap(row.refresh_token_ciphertext)) {
      result.current += 1;
      continue;
    }
    const after = vault.rewrap(row.refresh_token_ciphertext, refreshTokenAad(row.id, row.buyer_id));
    if (await replaceCiphertext(db, row.id, row.refresh_token_ciphertext, after)) result.rewrapped += 1;
    else result.skipped += 1;
  }
  return result;
}
