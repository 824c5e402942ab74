import { createDatabase, MIGRATION_TIMEOUTS } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';
import { TokenVault, VaultError } from './vault.js';
import { rewrapSecrets } from './rewrap.js';

/**
 * `npm run vault:rewrap`: after putting a new key FIRST in VAULT_KEYS (keeping the old ones after it),
 * re-encrypts every stored secret with it. Then the old keys may be removed from VAULT_KEYS.
 */
const keyring = process.env.VAULT_KEYS;
if (!keyring) {
  console.error('vault:rewrap needs VAULT_KEYS (the new key first, the old keys after it)');
  process.exit(1);
}
let vault: TokenVault;
try {
  vault = new TokenVault(keyring);
} catch (error) {
  console.error(error instanceof VaultError ? error.message : 'VAULT_KEYS is invalid');
  process.exit(1);
}
const db = createDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.BROKER_DATA_DIR ?? './.data', timeouts: MIGRATION_TIMEOUTS });
try {
  await migrateToLatest(db);
  const result = await rewrapSecrets(db, vault);
  console.log(
    `vault:rewrap with key "${vault.currentKeyId}": ${result.rewrapped} re-encrypted, ${result.current} already current, ${result.skipped} changed meanwhile`,
  );
} catch (error) {
  console.error(`vault:rewrap failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
