import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, ApiKeyRing } from '../../src/gateway/api-keys.js';
import { createPersistedQueryStore } from '../../src/gateway/persisted-query-store.js';
import type { Gateway } from '../../src/gateway/server.js';
import { documentId } from '../../src/gateway/trusted-documents.js';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';
import { createTestGateway } from '../support/gateway.js';
import { REDIS_URL, testPrefix } from '../support/redis.js';

describe('automatic persisted queries in memory', () => {
  it('keeps at most maxDocuments, dropping the least recently used first', async () => {
    const store = createPersistedQueryStore({ maxDocuments: 2, ttlSeconds: 60 });
    await store.set('a', '{ a }');
    await store.set('b', '{ b }');
    expect(await store.get('a')).toBe('{ a }'); // now b is the least recently used
    await store.set('c', '{ c }');
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBe('{ a }');
    expect(await store.get('c')).toBe('{ c }');
  });
});

describe('automatic persisted queries while Redis cannot be reached', () => {
  it('answers "not found" without waiting for Redis, so that the client sends its document, and registering fails quietly', async () => {
    const store = createPersistedQueryStore({ redisUrl: 'redis://127.0.0.1:1', maxDocuments: 10, ttlSeconds: 60 });
    try {
      // A Redis client queues commands while it cannot connect: without the store's timeout these would wait for ever.
      await expect(store.set('a', '{ a }')).resolves.toBeUndefined();
      await expect(store.get('a')).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!REDIS_URL)('automatic persisted queries in Redis, shared by instances', () => {
  const prefix = testPrefix();
  const key = generateKey('front-end', ['MERCHANT_PROFILE_READ']);
  const apiKeys = ApiKeyRing.parse(JSON.stringify({ keys: [key.entry] }), 'test keys');
  let emulator: Emulator;
  let gateways: Gateway[] = [];
  let urls: string[] = [];
  beforeAll(async () => {
    emulator = await createEmulator({ seed: false });
    const emulatorUrl = await emulator.listen();
    gateways = [0, 1].map(() => createTestGateway(emulatorUrl, { apiKeys, redisUrl: REDIS_URL, pubsubPrefix: prefix }));
    urls = await Promise.all(gateways.map((g) => g.listen()));
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await emulator?.close();
  });

  const post = async (url: string, body: unknown) =>
    (await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key.key }, body: JSON.stringify(body) })).json()) as {
      data?: any;
      errors?: Array<{ extensions?: any }>;
    };

  it('a document registered through one instance runs by id on another, and expires after the TTL', async () => {
    const query = `{ locations { name } } # ${prefix}`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: documentId(query) } };
    expect((await post(urls[1]!, { extensions })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(urls[0]!, { query, extensions })).data.locations).toHaveLength(1);
    const other = await post(urls[1]!, { extensions });
    expect(other.errors, JSON.stringify(other.errors)).toBeUndefined();
    expect(other.data.locations).toHaveLength(1);
    const redis = new Redis(REDIS_URL!);
    try {
      const ttl = await redis.ttl(`${prefix}apq:${documentId(query)}`);
      expect(ttl).toBeGreaterThan(86_000);
      expect(ttl).toBeLessThanOrEqual(86_400);
    } finally {
      await redis.quit();
    }
  });
});
