import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenVault, VaultError, parseKeyring } from '../../src/vault/vault.js';

const key = () => randomBytes(32).toString('base64');

describe('TokenVault', () => {
  const ring = `k1:${key()}`;
  const vault = new TokenVault(ring);

  it('round-trips and never repeats a ciphertext (random IV)', () => {
    const a = vault.encrypt('Atzr|secret', 'row-1');
    const b = vault.encrypt('Atzr|secret', 'row-1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(vault.decrypt(a, 'row-1')).toBe('Atzr|secret');
    expect(vault.keyIdOf(a)).toBe('k1');
    const iv = Buffer.from(a.split('.')[2]!, 'base64url');
    expect(iv).toHaveLength(12);
  });

  it('refuses a tampered ciphertext (any flipped byte)', () => {
    const ciphertext = vault.encrypt('Atzr|secret-value', 'row-1');
    const parts = ciphertext.split('.');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      const tampered = [...parts];
      tampered[index] = bytes.toString('base64url');
      expect(() => vault.decrypt(tampered.join('.'), 'row-1')).toThrow(VaultError);
    }
  });

  it('refuses a ciphertext moved to another record (associated data)', () => {
    const ciphertext = vault.encrypt('Atzr|secret', JSON.stringify(['auth-1', 'buyer-1']));
    expect(() => vault.decrypt(ciphertext, JSON.stringify(['auth-2', 'buyer-1']))).toThrow('failed authentication');
    expect(() => vault.decrypt(ciphertext, JSON.stringify(['auth-1', 'buyer-2']))).toThrow('failed authentication');
  });

  it('refuses a ciphertext whose key id was rewritten to another key of the ring', () => {
    const two = new TokenVault(`a:${key()},b:${key()}`);
    const ciphertext = two.encrypt('x', 'ad');
    expect(() => two.decrypt(ciphertext.replace('.a.', '.b.'), 'ad')).toThrow(VaultError);
  });

  it('rotates: the first key encrypts, old keys still decrypt, and rewrap moves to the new key', () => {
    const oldKey = `old:${key()}`;
    const newKey = `new:${key()}`;
    const before = new TokenVault(oldKey).encrypt('Atzr|s', 'ad');
    const rotated = new TokenVault(`${newKey},${oldKey}`);
    expect(rotated.decrypt(before, 'ad')).toBe('Atzr|s');
    expect(rotated.needsRewrap(before)).toBe(true);
    const after = rotated.rewrap(before, 'ad');
    expect(rotated.keyIdOf(after)).toBe('new');
    expect(new TokenVault(newKey).decrypt(after, 'ad')).toBe('Atzr|s');
    expect(() => new TokenVault(newKey).decrypt(before, 'ad')).toThrow('not in VAULT_KEYS');
  });

  it('validates the keyring without echoing key material', () => {
    const short = randomBytes(16).toString('base64');
    const cases = ['', 'nokey', `:${key()}`, `k1:${short}`, `k1:${key()},k1:${key()}`, 'k1:not base64!!', `bad id:${key()}`];
    for (const ring of cases) {
      let message = '';
      try {
        parseKeyring(ring);
      } catch (error) {
        expect(error).toBeInstanceOf(VaultError);
        message = (error as Error).message;
      }
      expect(message, ring).not.toBe('');
      expect(message).not.toContain(short);
      for (const part of ring.split(/[,:]/)) if (part.length > 20) expect(message).not.toContain(part);
    }
    expect(() => parseKeyring(`k1:${short}`)).toThrow('must decode to 32 bytes, got 16');
    expect(parseKeyring(`a:${key()}, b:${randomBytes(32).toString('base64url')}`).map((k) => k.id)).toEqual(['a', 'b']);
  });

  it('keeps keys out of JSON and inspection', async () => {
    const material = key();
    const v = new TokenVault(`k9:${material}`);
    const { inspect } = await import('node:util');
    expect(JSON.stringify(v)).not.toContain(material);
    expect(inspect(v)).not.toContain(material);
  });

  it('derives distinct purpose keys from every key, current first', () => {
    const v = new TokenVault(`a:${key()},b:${key()}`);
    const keys = v.deriveKeys('oauth-state/v1');
    expect(keys.map((k) => k.keyId)).toEqual(['a', 'b']);
    expect(keys[0]!.key.equals(keys[1]!.key)).toBe(false);
    expect(v.deriveKeys('other')[0]!.key.equals(keys[0]!.key)).toBe(false);
  });
});
