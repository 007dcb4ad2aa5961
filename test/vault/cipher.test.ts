import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VaultKeyError, VaultKeyRing } from '../../src/vault/cipher.js';
import { gatewayConfig } from '../../src/gateway/config.js';
import type { ConfigError } from '../../src/env-schema.js';

const key = (bytes = 32) => randomBytes(bytes).toString('base64');

describe('the vault key ring', () => {
  it('seals with the first key, opens with any, and binds each ciphertext to its merchant', () => {
    const [k1, k2] = [`k1:${key()}`, `k2:${key()}`];
    const old = VaultKeyRing.parse(k1);
    const sealed = old.seal('EAAAEMU-secret', 'MERCHANT-A');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.data.toString('latin1')).not.toContain('EAAAEMU-secret');
    // Random IVs: the same token never seals to the same bytes.
    expect(old.seal('EAAAEMU-secret', 'MERCHANT-A').data.equals(sealed.data)).toBe(false);

    const rotated = VaultKeyRing.parse(`${k2}, ${k1}`);
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.open(sealed, 'MERCHANT-A')).toBe('EAAAEMU-secret');
    expect(rotated.seal('x', 'MERCHANT-A').keyId).toBe('k2');
    expect(() => rotated.open(sealed, 'MERCHANT-B')).toThrow(VaultKeyError);
    const flipped = { keyId: 'k1', data: Buffer.from(sealed.data) };
    flipped.data[flipped.data.length - 1]! ^= 1;
    expect(() => rotated.open(flipped, 'MERCHANT-A')).toThrow(/do not open with key "k1"/);
    expect(() => VaultKeyRing.parse(k2).open(sealed, 'MERCHANT-A')).toThrow(
      `The vault's tokens for MERCHANT-A are sealed with key "k1", which VAULT_KEYS does not hold`,
    );
  });

  it("derives keys for other uses from every key, the sealing key's first, none the same as a sealing key or another use's", () => {
    const [k1, k2] = [`k1:${key()}`, `k2:${key()}`];
    const ring = VaultKeyRing.parse(`${k2},${k1}`);
    const signing = ring.derivedKeys('connect-state');
    expect(signing.map((derived) => derived.length)).toEqual([32, 32]);
    expect(signing).toEqual([VaultKeyRing.parse(k2).derivedKeys('connect-state')[0], VaultKeyRing.parse(k1).derivedKeys('connect-state')[0]]);
    expect(ring.derivedKeys('another-use')[0]).not.toEqual(signing[0]);
    expect(signing[0]).not.toEqual(Buffer.from(k2.slice(3), 'base64'));
  });

  it('refuses a malformed ring clearly, without repeating key material', () => {
    const short = key(16);
    const cases: Array<[string, string]> = [
      [`k1${key()}`, 'VAULT_KEYS entry 1 must be id:<base64 of 32 bytes>, e.g. k1:… (no ":" found)'],
      [`k1:${key()},k1:${key()}`, 'VAULT_KEYS entry 2 repeats the key id "k1"'],
      [`k 1:${key()}`, 'VAULT_KEYS entry 1 has a key id that is not 1 to 32 letters, digits, "-" or "_"'],
      [`k1:${key()},k0:${short}`, 'VAULT_KEYS entry 2 ("k0") must be 32 random bytes in base64 (e.g. openssl rand -base64 32)'],
      [`k1:${key().replace(/^./, '!')}`, 'VAULT_KEYS entry 1 ("k1") must be 32 random bytes in base64 (e.g. openssl rand -base64 32)'],
    ];
    for (const [raw, message] of cases) {
      expect(() => VaultKeyRing.parse(raw)).toThrow(message);
      // As a variable, the same sentence, and nothing of the value.
      const error = (() => {
        try {
          gatewayConfig({ VAULT_KEYS: raw });
        } catch (caught) {
          return caught as ConfigError;
        }
      })();
      expect(error?.problems).toEqual([message]);
      expect(error?.message).not.toContain(raw.split(':').at(-1)!.slice(0, 12));
    }
    expect(gatewayConfig({ VAULT_KEYS: `k2:${key()},k1:${key()}` }).vaultKeys?.currentKeyId).toBe('k2');
  });
});
