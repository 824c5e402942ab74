import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAuthorization, importAuthorization, refreshTokenAad } from '../../src/connections/repository.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { rewrapSecrets } from '../../src/vault/rewrap.js';
import { TokenVault, VaultError } from '../../src/vault/vault.js';
import { DATABASE_URL, createTestDatabase, type TestDatabase } from '../helpers/app.js';
import { DIST, ensureBuild } from '../helpers/build.js';

const run = promisify(execFile);
const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const OLD = key('old');
const NEW = key('new');

async function seed(db: Db, vault: TokenVault, count: number) {
  const rows: { id: string; buyerId: string; token: string }[] = [];
  for (let i = 0; i < count; i += 1) {
    const buyerId = `buyer-${i}-${randomBytes(3).toString('hex')}`;
    const token = `Atzr|secret-${i}-${randomBytes(8).toString('hex')}`;
    const { authorizationId } = await importAuthorization(db, vault, {
      buyerId,
      region: 'NA',
      sellingPartnerId: `AS${i}`,
      refreshToken: token,
      marketplaceIds: ['ATVPDKIKX0DER'],
    });
    rows.push({ id: authorizationId, buyerId, token });
  }
  return rows;
}

async function decryptAll(db: Db, vault: TokenVault) {
  const out: string[] = [];
  for (const row of await db.selectFrom('amazon_authorizations').selectAll().orderBy('buyer_id').execute()) {
    out.push(vault.decrypt(row.refresh_token_ciphertext, refreshTokenAad(row.id, row.buyer_id)));
  }
  return out;
}

describe('stored secrets: binding to the row, key rotation and rewrap', () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDatabase({ databaseUrl: database.url, dataDir: 'memory://' });
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('a refresh token moved to another authorization or buyer no longer decrypts', async () => {
    const vault = new TokenVault(OLD);
    const [a, b] = await seed(db, vault, 2);
    const rowA = (await findAuthorization(db, a!.id))!;
    expect(vault.decrypt(rowA.refreshTokenCiphertext, refreshTokenAad(a!.id, a!.buyerId))).toBe(a!.token);
    // Swapped into B's row: B's identity is the associated data, so authentication fails.
    await db.updateTable('amazon_authorizations').set({ refresh_token_ciphertext: rowA.refreshTokenCiphertext }).where('id', '=', b!.id).execute();
    const rowB = (await findAuthorization(db, b!.id))!;
    expect(() => vault.decrypt(rowB.refreshTokenCiphertext, refreshTokenAad(b!.id, b!.buyerId))).toThrow(VaultError);
    expect(() => vault.decrypt(rowA.refreshTokenCiphertext, refreshTokenAad(a!.id, b!.buyerId))).toThrow(VaultError);
    expect(() => vault.decrypt(rowA.refreshTokenCiphertext, refreshTokenAad(b!.id, a!.buyerId))).toThrow(VaultError);
    await db.deleteFrom('amazon_authorizations').execute();
  });

  it('rotates: old key still decrypts, rewrap moves everything, then the old key can go', async () => {
    const tokens = (await seed(db, new TokenVault(OLD), 5)).map((r) => r.token);
    const rotated = new TokenVault(`${NEW},${OLD}`);
    // New secrets use the new key at once; old ones still decrypt.
    expect((await decryptAll(db, rotated)).sort()).toEqual([...tokens].sort());

    expect(await rewrapSecrets(db, rotated)).toEqual({ rewrapped: 5, current: 0, skipped: 0 });
    expect(await rewrapSecrets(db, rotated)).toEqual({ rewrapped: 0, current: 5, skipped: 0 });
    const rows = await db.selectFrom('amazon_authorizations').select('refresh_token_ciphertext').execute();
    expect(rows.every((r) => rotated.keyIdOf(r.refresh_token_ciphertext) === 'new')).toBe(true);

    const newOnly = new TokenVault(NEW);
    expect((await decryptAll(db, newOnly)).sort()).toEqual([...tokens].sort());
    await expect(decryptAll(db, new TokenVault(OLD))).rejects.toThrow(VaultError);
    await db.deleteFrom('amazon_authorizations').execute();
  });
});

describe('npm run vault:rewrap', () => {
  let database: TestDatabase;
  let dataDir: string | undefined;

  beforeAll(async () => {
    await ensureBuild();
    database = await createTestDatabase();
    if (!DATABASE_URL) dataDir = mkdtempSync(path.join(tmpdir(), 'vault-rewrap-'));
  }, 240_000);
  afterAll(async () => {
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('re-encrypts every secret with the first key and never prints key material', async () => {
    const options = { databaseUrl: database.url, dataDir: dataDir ?? 'memory://' };
    let db = createDatabase(options);
    await migrateToLatest(db);
    const seeded = await seed(db, new TokenVault(OLD), 3);
    await db.destroy();

    const env = { ...process.env, VAULT_KEYS: `${NEW},${OLD}`, ...(database.url ? { DATABASE_URL: database.url } : { BROKER_DATA_DIR: dataDir }) };
    // What `npm run vault:rewrap` runs.
    const cli = path.join(DIST, 'vault/rewrap-cli.js');
    const { stdout, stderr } = await run(process.execPath, [cli], { env });
    expect(stdout).toContain('3 re-encrypted');
    for (const secret of [NEW, OLD].map((k) => k.split(':')[1]!)) expect(stdout + stderr).not.toContain(secret);

    db = createDatabase(options);
    try {
      expect((await decryptAll(db, new TokenVault(NEW))).sort()).toEqual(seeded.map((r) => r.token).sort());
    } finally {
      await db.destroy();
    }

    const bad = await run(process.execPath, [cli], { env: { ...env, VAULT_KEYS: 'k1:c2hvcnQ=' } }).catch((e: { stderr: string; code: number }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toContain('must decode to 32 bytes');
  }, 60_000);
});
