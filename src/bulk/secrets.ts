import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a file URL the gateway hands out stays good: ask for the operation again for a fresh one. */
export const URL_LIFETIME_MS = 60 * 60 * 1000;

/**
 * What a bulk operation keeps secret, from one secret (BULK_SECRET) every instance of a fleet
 * shares: the signatures of its file's URLs, which any instance can check, and, for a
 * passthrough caller, the caller's Square token, sealed at rest (AES-256-GCM) so that the
 * instance resuming the run after a crash can act with it and nothing else can read it.
 */
export class BulkSecrets {
  private readonly signing: Buffer;
  private readonly sealing: Buffer;

  constructor(secret: string) {
    const key = (purpose: string) => Buffer.from(hkdfSync('sha256', secret, 'square-graphql-gateway bulk operations', purpose, 32));
    this.signing = key('file urls');
    this.sealing = key('sealed tokens');
  }

  /** A secret of this process only, when none is configured: its URLs and seals mean nothing to any other. */
  static ephemeral(): BulkSecrets {
    return new BulkSecrets(randomBytes(32).toString('base64url'));
  }

  /** The query string of a URL to an operation's file (or its partial file) valid until `expires` (ms since the epoch). */
  sign(operationId: string, partial: boolean, expires: number): string {
    const seconds = Math.floor(expires / 1000);
    return `expires=${seconds}&signature=${this.signature(operationId, partial, seconds)}`;
  }

  /** Whether the query string's signature is this file's, and not expired (constant time). */
  verify(operationId: string, partial: boolean, query: URLSearchParams, now = Date.now()): boolean {
    const expires = query.get('expires');
    const signature = query.get('signature');
    if (!expires || !/^\d{1,12}$/.test(expires) || !signature || Number(expires) * 1000 < now) return false;
    const expected = Buffer.from(this.signature(operationId, partial, Number(expires)));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  seal(token: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealing, iv);
    const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
  }

  /** The token, or undefined when it was sealed with another secret (or tampered with). */
  unseal(sealed: string): string | undefined {
    const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !tag || !data) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sealing, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }

  private signature(operationId: string, partial: boolean, expiresSeconds: number): string {
    return createHmac('sha256', this.signing).update(`${operationId}\n${partial ? 'partial' : 'file'}\n${expiresSeconds}`).digest('base64url');
  }
}
