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

/** A partner key's connected sellers: every one (`"*"`), or these merchant ids. */
export const sellersSchema = z.union([z.literal('*'), z.array(z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'a Square merchant id')).min(1)]);

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
        /** A partner key: it acts for these connected sellers, one a request (the seller header), never with the server token. */
        sellers: sellersSchema.optional(),
        /** The SHA-256 of the key's documents key (`gd_…`), with which its owner registers its trusted documents (key-documents.ts). */
        documentsKeySha256: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the documents key, as 64 lowercase hex digits').optional(),
        /** Refused from the next request on, its open subscriptions ended; kept in the file as a record. */
        revoked: z.boolean().default(false),
      })
      // One secret for both would let whoever runs the key's client register documents for it.
      .refine((k) => k.documentsKeySha256 !== k.sha256, { path: ['documentsKeySha256'], error: 'must be the hash of a secret other than the key itself' }),
    )
    .min(1),
});

interface StoredKey extends ApiKey {
  hash: Buffer;
  documentsKeyHash: Buffer | undefined;
}

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** A key's entry in the keys file, as written. */
export type KeyEntry = z.input<typeof keyFileSchema>['keys'][number];

/**
 * A new key to hand to a client (shown once) and the entry to put in the keys file; with
 * `documentsKey`, also the key's documents key (shown once too), for its owner's build to
 * register the key's trusted documents with, and never to ship in a client.
 */
export function generateKey(
  name: string,
  scopes: Scope[],
  { documentsKey: withDocumentsKey = false, ...options }: Pick<KeyEntry, 'budget' | 'trustedDocumentsOnly' | 'sellers'> & { documentsKey?: boolean } = {},
): { key: string; documentsKey?: string; entry: KeyEntry & { scopes: Scope[] } } {
  const key = `gk_${randomBytes(24).toString('base64url')}`;
  const entry = { name, sha256: hashKey(key).toString('hex'), scopes, ...options };
  if (!withDocumentsKey) return { key, entry };
  const documentsKey = `gd_${randomBytes(24).toString('base64url')}`;
  return { key, documentsKey, entry: { ...entry, documentsKeySha256: hashKey(documentsKey).toString('hex') } };
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
        sellers: k.sellers === undefined || k.sellers === '*' ? k.sellers : new Set(k.sellers),
        hash: Buffer.from(k.sha256, 'hex'),
        documentsKeyHash: k.documentsKeySha256 === undefined ? undefined : Buffer.from(k.documentsKeySha256, 'hex'),
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

  /** The valid key with this SHA-256 (hex), as it stands now: whom an outbound webhook's owner acts as (src/outbound). */
  bySha256(sha256: string): ApiKey | undefined {
    const found = this.keys.find((key) => key.sha256 === sha256);
    if (!found) return undefined;
    const { hash: _hash, ...key } = found;
    return key;
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

  /** The key whose documents key this is: the one key it registers trusted documents for. */
  findByDocumentsKey(presented: string): ApiKey | undefined {
    const hash = hashKey(presented);
    let found: StoredKey | undefined;
    for (const key of this.keys) if (key.documentsKeyHash && timingSafeEqual(key.documentsKeyHash, hash) && !found) found = key;
    return found && asApiKey(found);
  }

  /** The keys of this name that are not revoked, as a command names a key: one, unless the file was edited by hand. */
  named(name: string): ApiKey[] {
    return this.keys.filter((key) => key.name === name).map(asApiKey);
  }
}

function asApiKey({ hash: _hash, documentsKeyHash: _documentsKeyHash, ...key }: StoredKey): ApiKey {
  return key;
}
