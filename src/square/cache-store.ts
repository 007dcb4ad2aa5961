import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { RedisBreaker, release } from '../redis/breaker.js';

/**
 * Where cached Square objects live. An entry is a `field` of a cache `object` (see
 * each API's events.ts): invalidating the object drops all of its fields at once,
 * whichever token read them. A read that missed gets a ticket to fill the entry with
 * what Square answered; an invalidation of the object in between voids the ticket, so
 * that an answer Square gave before a change is never kept after it.
 */
export interface CacheStore {
  lookup(object: string, field: string): Promise<Lookup>;
  invalidate(objects: readonly string[]): Promise<void>;
  /** Drops every entry, for when Square's data was replaced wholesale (the demo emulator's reset). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export type Lookup =
  | { hit: true; value: unknown }
  | {
      hit: false;
      /** Which state of the object the miss saw: reads that saw the same state may share one Square call. */
      version: string;
      /** Keeps `value` unless the object was invalidated since the lookup; `undefined` only gives the ticket back. */
      fill(value: unknown): Promise<void>;
    };

export interface CacheSettings {
  /** How long an entry may be served without any invalidation: the safety net for a missed webhook. */
  ttlMs: number;
  /** Entries kept in memory at most (least recently used go first). */
  maxEntries: number;
}

interface Ticket {
  voided: boolean;
}

/**
 * Cached objects in this process: a bounded LRU. Each is a frozen copy, and a request that
 * reads it gets its own outer objects over the shared frozen rest (see `ownedView`): a deep
 * copy on each hit cost more than the rest of a warm page of 20 customers, and frozen, no
 * request can change what another reads.
 */
export class MemoryCacheStore implements CacheStore {
  private readonly entries: LRUCache<string, { value: unknown }>;
  /** The entries of each object, to drop them together. */
  private readonly fields = new Map<string, Set<string>>();
  private readonly tickets = new Map<string, Set<Ticket>>();

  constructor(settings: CacheSettings) {
    this.entries = new LRUCache({
      max: settings.maxEntries,
      ttl: settings.ttlMs,
      dispose: (_value, key) => {
        const object = key.slice(0, key.indexOf('\n'));
        const keys = this.fields.get(object);
        keys?.delete(key);
        if (keys?.size === 0) this.fields.delete(object);
      },
    });
  }

  async lookup(object: string, field: string): Promise<Lookup> {
    const key = `${object}\n${field}`;
    const entry = this.entries.get(key);
    if (entry) return { hit: true, value: ownedView(entry.value) };
    const ticket: Ticket = { voided: false };
    const pending = this.tickets.get(object) ?? new Set();
    this.tickets.set(object, pending.add(ticket));
    return {
      hit: false,
      version: '',
      fill: async (value) => {
        pending.delete(ticket);
        if (pending.size === 0 && this.tickets.get(object) === pending) this.tickets.delete(object);
        if (value === undefined || ticket.voided) return;
        this.entries.set(key, { value: deepFreeze(structuredClone(value)) });
        this.fields.set(object, (this.fields.get(object) ?? new Set()).add(key));
      },
    };
  }

  async invalidate(objects: readonly string[]): Promise<void> {
    for (const object of objects) {
      for (const key of [...(this.fields.get(object) ?? [])]) this.entries.delete(key);
      for (const ticket of this.tickets.get(object) ?? []) ticket.voided = true;
      this.tickets.delete(object);
    }
  }

  async clear(): Promise<void> {
    this.entries.clear();
    for (const pending of this.tickets.values()) for (const ticket of pending) ticket.voided = true;
    this.tickets.clear();
  }

  close(): Promise<void> {
    return this.clear();
  }
}

/**
 * Cached objects in Redis, shared by every gateway instance: one hash per object, a field
 * per entry, and `_gen`, set by each invalidation from a counter, so that a fill checks
 * atomically that no invalidation came after its lookup. Entries carry their time (the
 * hash's own expiry is only for cleaning up), so the TTL holds per entry.
 */
export class RedisCacheStore implements CacheStore {
  /** Entries kept before an invalidation that failed to reach Redis are not served by this instance. */
  private distrustBefore = 0;
  /** Open while Redis fails or hangs: reads then go to Square at once. */
  readonly breaker: RedisBreaker;

  constructor(
    private readonly redis: Redis,
    private readonly settings: CacheSettings,
    private readonly prefix: string,
    /** How long an invalidation is remembered: longer than any read between a lookup and its fill may take. */
    private readonly guardMs: number,
  ) {
    redis.defineCommand('cacheFill', { numberOfKeys: 1, lua: FILL });
    redis.defineCommand('cacheInvalidate', { lua: INVALIDATE });
    this.breaker = new RedisBreaker(redis, 'cache');
  }

  private key(object: string) {
    return `${this.prefix}cache:${object}`;
  }

  async lookup(object: string, field: string): Promise<Lookup> {
    // Not waiting for Redis to come back: Square answers meanwhile.
    if (!this.breaker.available()) throw new Error('the cache in Redis is not connected, or does not answer');
    const key = this.key(object);
    const [raw, generation] = await this.breaker.run(() => this.redis.hmget(key, field, '_gen'));
    if (raw) {
      const entry = decode(raw) as { at: number; value: unknown };
      if (Date.now() - entry.at < this.settings.ttlMs && entry.at > this.distrustBefore) return { hit: true, value: entry.value };
    }
    const version = generation ?? '';
    return {
      hit: false,
      version,
      fill: async (value) => {
        if (value === undefined) return;
        const ttl = Math.max(this.settings.ttlMs, 1);
        await this.breaker.run(() => (this.redis as unknown as RedisWithScripts).cacheFill(key, field, encode({ at: Date.now(), value }), version, ttl));
      },
    };
  }

  async invalidate(objects: readonly string[]): Promise<void> {
    if (objects.length === 0) return;
    const keys = objects.map((o) => this.key(o));
    try {
      await this.breaker.run(() =>
        (this.redis as unknown as RedisWithScripts).cacheInvalidate(keys.length, ...keys, `${this.prefix}cache-clock`, Math.max(this.guardMs, this.settings.ttlMs)),
      );
    } catch (error) {
      // This instance at least serves nothing that invalidation may have been meant for.
      this.distrustBefore = Date.now();
      throw error;
    }
  }

  async clear(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.breaker.run(() => this.redis.scan(cursor, 'MATCH', `${this.prefix}cache:*`, 'COUNT', 1000));
      if (keys.length > 0) await this.breaker.run(() => this.redis.del(...keys));
      cursor = next;
    } while (cursor !== '0');
  }

  close(): Promise<void> {
    return release(this.redis);
  }
}

interface RedisWithScripts {
  cacheFill(key: string, field: string, value: string, version: string, ttlMs: number): Promise<number>;
  cacheInvalidate(numberOfKeys: number, ...args: Array<string | number>): Promise<number>;
}

/** Keeps the entry only if the object's generation is still the one its lookup saw. */
const FILL = `
local generation = redis.call('HGET', KEYS[1], '_gen')
if (generation or '') ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return 1`;

/** Drops each object's entries and leaves a new generation, remembered for the guard time. */
const INVALIDATE = `
local generation = redis.call('INCR', ARGV[1])
for _, key in ipairs(KEYS) do
  redis.call('DEL', key)
  redis.call('HSET', key, '_gen', generation)
  redis.call('PEXPIRE', key, ARGV[2])
end
return generation`;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';
const own = (value: unknown): unknown => (Array.isArray(value) ? value.map(shallowCopy) : shallowCopy(value));
const shallowCopy = (value: unknown): unknown => (isObject(value) && !Array.isArray(value) ? { ...value } : value);

/**
 * A request's own copy of the two outer levels of a shared entry: the object or list, and
 * each object or list item right inside it (a page's customers, a lookup's account). Those
 * are the objects the graph resolves, and schema plugins may mark them (Pothos brands a
 * loaded node with its type) without touching what other requests share; what lies deeper
 * stays shared and frozen. A few object spreads per entry, where a clone copies every level.
 */
function ownedView(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(own);
  if (!isObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = own(value[key]);
  return copy;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Square's SDK gives money amounts as bigint, which JSON has no form for. */
function encode(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
}

function decode(raw: string): unknown {
  return JSON.parse(raw, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && typeof (v as { $bigint?: unknown }).$bigint === 'string' ? BigInt((v as { $bigint: string }).$bigint) : v,
  );
}
