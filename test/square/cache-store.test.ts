import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryCacheStore, RedisCacheStore, type CacheStore } from '../../src/square/cache-store.js';
import { REDIS_URL, testPrefix } from '../support/redis.js';

const settings = { ttlMs: 60_000, maxEntries: 100 };

function storeContract(make: () => Promise<CacheStore>) {
  it('keeps what a miss filled, bigint amounts included, per token', async () => {
    const store = await make();
    const miss = await store.lookup('m:payment:1', 'token:');
    expect(miss.hit).toBe(false);
    if (!miss.hit) await miss.fill({ amountMoney: { amount: 1250n } });
    expect(await store.lookup('m:payment:1', 'token:')).toEqual({ hit: true, value: { amountMoney: { amount: 1250n } } });
    expect((await store.lookup('m:payment:1', 'other:')).hit).toBe(false);
  });

  it('never keeps an answer read before an invalidation that came while it was on its way', async () => {
    const store = await make();
    const miss = await store.lookup('m:customer:1', 'token:');
    await store.invalidate(['m:customer:1']);
    if (!miss.hit) await miss.fill({ givenName: 'before the change' });
    expect((await store.lookup('m:customer:1', 'token:')).hit).toBe(false);
  });

  it('drops every entry of an invalidated object, whichever token filled it', async () => {
    const store = await make();
    for (const field of ['a:1', 'b:2']) {
      const miss = await store.lookup('m:orders-of', field);
      if (!miss.hit) await miss.fill([]);
    }
    await store.invalidate(['m:orders-of']);
    expect((await store.lookup('m:orders-of', 'a:1')).hit).toBe(false);
    expect((await store.lookup('m:orders-of', 'b:2')).hit).toBe(false);
  });

  it('drops everything on clear', async () => {
    const store = await make();
    for (const object of ['m:card:1', 'm:orders-of']) {
      const miss = await store.lookup(object, 't:');
      if (!miss.hit) await miss.fill({ id: object });
    }
    await store.clear();
    expect((await store.lookup('m:card:1', 't:')).hit).toBe(false);
    expect((await store.lookup('m:orders-of', 't:')).hit).toBe(false);
  });
}

describe('the in-memory cache store', () => {
  storeContract(async () => new MemoryCacheStore(settings));

  it('hands each request its own outer objects over frozen shared data, so that no request changes what another reads', async () => {
    const store = new MemoryCacheStore(settings);
    const filled = { givenName: 'Ada', address: { locality: 'London', coordinates: { lat: 51.5 } }, cards: [{ id: 'c1' }] };
    const miss = await store.lookup('m:customer:1', 't:');
    if (!miss.hit) await miss.fill(filled);
    filled.address.locality = 'changed by the request that read it';
    const [first, second] = [await store.lookup('m:customer:1', 't:'), await store.lookup('m:customer:1', 't:')];
    if (!first.hit || !second.hit) throw new Error('expected hits');
    const mine = first.value as typeof filled;
    // What the graph resolves (the object, its nested objects and list items) may be marked, as Pothos brands a node.
    const brand = Symbol('brand');
    for (const object of [mine, mine.address, mine.cards[0]!]) Object.defineProperty(object, brand, { value: 'Customer' });
    mine.givenName = 'changed';
    expect(() => (mine.address.coordinates.lat = 0)).toThrow(TypeError);
    expect(second.value).toEqual({ givenName: 'Ada', address: { locality: 'London', coordinates: { lat: 51.5 } }, cards: [{ id: 'c1' }] });
    expect(brand in (second.value as object)).toBe(false);
  });
});

describe.skipIf(!REDIS_URL)('the Redis cache store', () => {
  const clients: Redis[] = [];
  const prefix = testPrefix();
  afterAll(async () => {
    const keys = await clients[0]!.keys(`${prefix}*`);
    if (keys.length > 0) await clients[0]!.del(...keys);
    await Promise.all(clients.map((c) => c.quit()));
  });
  storeContract(async () => {
    const redis = new Redis(REDIS_URL!);
    clients.push(redis);
    await redis.ping();
    return new RedisCacheStore(redis, settings, `${prefix}${clients.length}:`, 60_000);
  });
});
