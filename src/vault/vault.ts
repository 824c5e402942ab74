import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The token vault: AES-256-GCM with a keyring (VAULT_KEYS = `id1:base64key,id2:base64key`).
 * The first key encrypts, every key decrypts, so keys rotate without downtime (`npm run vault:rewrap`
 * then moves every stored secret to the current key). Each ciphertext names its key and is bound to
 * the identity of the record that holds it (associated data): moved to another row, it fails.
 * There is no plaintext fallback: without a valid keyring the broker does not start.
 *
 * Format: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts, 12-byte random IV, 16-byte tag).
 * The version and key id are part of the authenticated data too.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

export class VaultError extends Error {
  override name = 'VaultError';
}

export interface VaultKey {
  id: string;
  key: Buffer;
}

/** Parses and validates a keyring; messages name the entry and the problem, never the key material. */
export function parseKeyring(keyring: string): VaultKey[] {
  const entries = keyring
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new VaultError('VAULT_KEYS is empty: expected id1:base64key[,id2:base64key…]');
  const keys: VaultKey[] = [];
  entries.forEach((entry, index) => {
    const position = `VAULT_KEYS entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new VaultError(`${position} is not of the form id:base64key`);
    const id = entry.slice(0, colon);
    const encoded = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) throw new VaultError(`${position}: the key id must be 1–64 characters of A-Z a-z 0-9 _ -`);
    if (keys.some((k) => k.id === id)) throw new VaultError(`${position}: key id "${id}" appears twice`);
    if (!BASE64.test(encoded)) throw new VaultError(`${position} (id "${id}"): the key is not valid base64`);
    const key = Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64');
    if (key.length !== KEY_BYTES) {
      throw new VaultError(`${position} (id "${id}"): the key must decode to ${KEY_BYTES} bytes, got ${key.length}`);
    }
    keys.push({ id, key });
  });
  return keys;
}

export class TokenVault {
  readonly #keys: Map<string, Buffer>;
  readonly currentKeyId: string;

  constructor(keyring: string) {
    const keys = parseKeyring(keyring);
    this.#keys = new Map(keys.map((k) => [k.id, k.key]));
    this.currentKeyId = (keys[0] as VaultKey).id;
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  encrypt(plaintext: string, associatedData: string): string {
    const key = this.#keys.get(this.currentKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.currentKeyId, associatedData));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.currentKeyId, iv.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.');
  }

  decrypt(ciphertext: string, associatedData: string): string {
    const parts = ciphertext.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new VaultError('not a vault ciphertext');
    const [, keyId, ivPart, bodyPart, tagPart] = parts as [string, string, string, string, string];
    const key = this.#keys.get(keyId);
    if (!key) throw new VaultError(`ciphertext was encrypted with key "${keyId}", which is not in VAULT_KEYS`);
    const iv = Buffer.from(ivPart, 'base64url');
    const tag = Buffer.from(tagPart, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new VaultError('malformed vault ciphertext');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(keyId, associatedData));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(bodyPart, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // GCM authentication failed: tampered, or bound to another record. Never say more.
      throw new VaultError('vault ciphertext failed authentication');
    }
  }

  /** The key id a ciphertext names (no decryption). */
  keyIdOf(ciphertext: string): string | undefined {
    const parts = ciphertext.split('.');
    return parts.length === 5 && parts[0] === VERSION ? parts[1] : undefined;
  }

  /** True when the ciphertext is not under the current key (a rewrap candidate). */
  needsRewrap(ciphertext: string): boolean {
    return this.keyIdOf(ciphertext) !== this.currentKeyId;
  }

  /** Decrypts with whichever key it names and encrypts again under the current key. */
  rewrap(ciphertext: string, associatedData: string): string {
    return this.encrypt(this.decrypt(ciphertext, associatedData), associatedData);
  }

  /**
   * A purpose-bound subkey (HKDF-SHA256) of every key, current first: used to sign OAuth states,
   * so no raw vault key is ever used for two purposes.
   */
  deriveKeys(purpose: string): { keyId: string; key: Buffer }[] {
    const ids = [this.currentKeyId, ...this.keyIds.filter((id) => id !== this.currentKeyId)];
    return ids.map((keyId) => ({
      keyId,
      key: Buffer.from(hkdfSync('sha256', this.#keys.get(keyId) as Buffer, Buffer.alloc(0), `sellershorts:${purpose}`, 32)),
    }));
  }

  /** Keeps key material out of logs and inspection. */
  toJSON() {
    return { currentKeyId: this.currentKeyId, keyIds: this.keyIds };
  }
  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `TokenVault(current=${this.currentKeyId}, keys=${this.keyIds.join(',')})`;
  }
}

function aad(keyId: string, associatedData: string): Buffer {
  return Buffer.from(`${VERSION}\u0000${keyId}\u0000${associatedData}`, 'utf8');
}
