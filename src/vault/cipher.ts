import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** AES-256-GCM: a 32-byte key, a random 96-bit IV per encryption (GCM's native size), a 128-bit tag. */
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** What a key id may be: it is stored beside every ciphertext and named in errors, so it must stay plain. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** A ciphertext as stored: the id of the key that sealed it, and IV ‖ tag ‖ encrypted bytes. */
export interface Sealed {
  keyId: string;
  data: Buffer;
}

/** A key ring that cannot be read, or a ciphertext it cannot open. Its message never holds key material or plaintext. */
export class VaultKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultKeyError';
  }
}

/**
 * The vault's encryption keys (`VAULT_KEYS`): the first seals, every one opens, so that a new key
 * put first takes over while rows sealed with the older ones stay readable until re-sealed.
 * A ciphertext is bound to its merchant id (GCM's additional authenticated data): a row copied
 * onto another seller fails to open rather than handing one seller's token to another's requests.
 */
export class VaultKeyRing {
  private constructor(private readonly keys: ReadonlyMap<string, Buffer>, readonly currentKeyId: string) {}

  /** `id:<base64 of 32 bytes>` entries separated by commas, the sealing key first. */
  static parse(text: string): VaultKeyRing {
    const keys = new Map<string, Buffer>();
    const entries = text.split(',').map((entry) => entry.trim());
    entries.forEach((entry, index) => {
      const at = `VAULT_KEYS entry ${index + 1}`;
      const colon = entry.indexOf(':');
      if (colon < 0) throw new VaultKeyError(`${at} must be id:<base64 of ${KEY_BYTES} bytes>, e.g. k1:… (no ":" found)`);
      const id = entry.slice(0, colon);
      if (!KEY_ID.test(id)) throw new VaultKeyError(`${at} has a key id that is not 1 to 32 letters, digits, "-" or "_"`);
      if (keys.has(id)) throw new VaultKeyError(`${at} repeats the key id "${id}"`);
      const encoded = entry.slice(colon + 1).trim();
      const key = Buffer.from(encoded, 'base64');
      // Buffer.from skips what is not base64; the key must survive the round trip whole.
      const wellFormed = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && key.toString('base64').replace(/=+$/, '') === encoded.replace(/=+$/, '');
      if (!wellFormed || key.length !== KEY_BYTES) {
        throw new VaultKeyError(`${at} ("${id}") must be ${KEY_BYTES} random bytes in base64 (e.g. openssl rand -base64 32)`);
      }
      keys.set(id, key);
    });
    return new VaultKeyRing(keys, entries[0]!.slice(0, entries[0]!.indexOf(':')));
  }

  /** The keys that open but no longer seal: what a rotation re-seals from. */
  get olderKeyIds(): string[] {
    return [...this.keys.keys()].filter((id) => id !== this.currentKeyId);
  }

  seal(plaintext: string, merchantId: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.currentKeyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(merchantId));
    const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.currentKeyId, data: Buffer.concat([iv, cipher.getAuthTag(), encrypted]) };
  }

  open(sealed: Sealed, merchantId: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new VaultKeyError(`The vault's tokens for ${merchantId} are sealed with key "${sealed.keyId}", which VAULT_KEYS does not hold`);
    if (sealed.data.length < IV_BYTES + TAG_BYTES) throw new VaultKeyError(`The vault's tokens for ${merchantId} are truncated`);
    const decipher = createDecipheriv(ALGORITHM, key, sealed.data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(merchantId));
    decipher.setAuthTag(sealed.data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.data.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultKeyError(
        `The vault's tokens for ${merchantId} do not open with key "${sealed.keyId}": the key changed under that id, or the row was altered or belongs to another seller`,
      );
    }
  }

  /**
   * Keys for a use other than sealing tokens (the connect flow signs its state with them), one derived
   * from each key of the ring for `purpose` (HKDF-SHA256), the sealing key's first: what the newest
   * key signs, the older ones still verify during a rotation, and no key serves two uses.
   */
  derivedKeys(purpose: string): Buffer[] {
    return [...this.keys.values()].map((key) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `square-graphql-gateway/${purpose}`, KEY_BYTES)));
  }
}

/** Versioned, so that a later change of what is bound cannot open rows sealed under the old binding by accident. */
const additionalData = (merchantId: string) => Buffer.from(`square-graphql-gateway/vault/v1/${merchantId}`, 'utf8');
