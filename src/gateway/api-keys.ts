import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ApiKey, KeyBudget } from '../context/authentication.js';
import type { Scope } from '../apis/api.js';
import { SCOPES } from '../apis/registry.js';

/**
 * For keys whose entry names no budget: a full bucket pays for any operation the query
 * limits allow (cost 200,000), and it refills in 20 seconds.
 */
export const DEFAULT_KEY_BUDGET: KeyBudget = { costPerSecond: 10_000, burst: 200_000 };

const budgetSchema = z.object({ costPerSecond: z.number().positive(), burst: z.number().positive() });

const keyFileSchema = z.object({
  defaultBudget: budgetSchema.optional(),
  keys: z
    .array(
      z.object({
        name: z.string().min(1),
        sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the key, as 64 lowercase hex digits'),
        scopes: z.array(z.enum(SCOPES as [Scope, ...Scope[]])).min(1),
        budget: budgetSchema.optional(),
        trustedDocumentsOnly: z.boolean().default(false),
        /** Refused from the next request on, its open subscriptions ended; kept in the file as a record. */
        revoked: z.boolean().default(false),
      }),
    )
    .min(1),
});

interface StoredKey extends ApiKey {
  hash: Buffer;
}

const asApiKey = ({ name, scopes, sha256, budget, trustedDocumentsOnly }: StoredKey): ApiKey => ({ name, scopes, sha256, budget, trustedDocumentsOnly });

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** A key's entry in the keys file, as written. */
export type KeyEntry = z.input<typeof keyFileSchema>['keys'][number];

/** A new key to hand to a client (shown once) and the entry to put in the keys file. */
export function generateKey(
  name: string,
  scopes: Scope[],
  options: Pick<KeyEntry, 'budget' | 'trustedDocumentsOnly'> = {},
): { key: string; entry: KeyEntry & { scopes: Scope[] } } {
  const key = `gk_${randomBytes(24).toString('base64url')}`;
  return { key, entry: { name, sha256: hashKey(key).toString('hex'), scopes, ...options } };
}

/**
 * The keys file's text with `entry` added, checked as the gateway reads it; `current` is
 * the file's text, or undefined for a new file. A name already in use by a key that is not
 * revoked is refused, so that logs and metrics keep naming one key each.
 */
export function withKeyAdded(current: string | undefined, entry: KeyEntry, source: string): string {
  if (current !== undefined) ApiKeyRing.parse(current, source);
  const file = current === undefined ? { keys: [] } : (JSON.parse(current) as { keys?: KeyEntry[] });
  const keys = file.keys ?? [];
  if (keys.some((k) => k.name === entry.name && !k.revoked)) throw new Error(`${source} already has a key named ${entry.name}; revoke it first or choose another name.`);
  const next = JSON.stringify({ ...file, keys: [...keys, entry] }, null, 2) + '\n';
  ApiKeyRing.parse(next, source);
  return next;
}

/**
 * The gateway's API keys, kept only as SHA-256 hashes. A presented key is compared
 * with every stored hash in constant time, so timing tells nothing about which or
 * how much of a key matched. The keys can be replaced while the gateway runs (a keys
 * file reloaded, see api-keys-file.ts): every request from then on sees the new ones.
 */
export class ApiKeyRing {
  private readonly listeners = new Set<() => void>();

  private constructor(private keys: StoredKey[]) {}

  static parse(json: string, source: string): ApiKeyRing {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (error) {
      throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = keyFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new Error(`${source} is not a valid keys file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const defaultBudget = parsed.data.defaultBudget ?? DEFAULT_KEY_BUDGET;
    return new ApiKeyRing(
      parsed.data.keys.filter((k) => !k.revoked).map((k) => ({
        name: k.name,
        scopes: new Set(k.scopes),
        sha256: k.sha256,
        budget: k.budget ?? defaultBudget,
        trustedDocumentsOnly: k.trustedDocumentsOnly,
        hash: Buffer.from(k.sha256, 'hex'),
      })),
    );
  }

  /** From GATEWAY_API_KEYS (inline JSON) or GATEWAY_API_KEYS_FILE (a path); undefined when neither is set. */
  static fromEnv(env: NodeJS.ProcessEnv): ApiKeyRing | undefined {
    if (env.GATEWAY_API_KEYS) return ApiKeyRing.parse(env.GATEWAY_API_KEYS, 'GATEWAY_API_KEYS');
    if (env.GATEWAY_API_KEYS_FILE) return ApiKeyRing.parse(readFileSync(env.GATEWAY_API_KEYS_FILE, 'utf8'), env.GATEWAY_API_KEYS_FILE);
    return undefined;
  }

  get size(): number {
    return this.keys.length;
  }

  /** Takes `other`'s keys in place of its own, and tells the listeners. */
  replaceWith(other: ApiKeyRing): void {
    this.keys = other.keys;
    for (const listener of this.listeners) listener();
  }

  /** Called after each replacement; returns a function that removes the listener. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether a key with this SHA-256 (hex) is valid now. */
  has(sha256: string): boolean {
    return this.keys.some((key) => key.sha256 === sha256);
  }

  find(presented: string): ApiKey | undefined {
    const hash = hashKey(presented);
    let found: StoredKey | undefined;
    for (const key of this.keys) if (timingSafeEqual(key.hash, hash) && !found) found = key;
    return found && asApiKey(found);
  }

  /** The valid key with this SHA-256 (hex) as it now stands, for work a key started that outlives its request (a bulk operation). */
  withSha256(sha256: string): ApiKey | undefined {
    const found = this.keys.find((key) => key.sha256 === sha256);
    return found && asApiKey(found);
  }
}
