import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway/server.js';
import { CachedCustomerDocument } from '../gql/graphql.js';
import { trackWebhooks } from '../support/cache.js';
import { createTestGateway, useGateway } from '../support/gateway.js';
import { newCard, newCustomer } from '../support/payments.js';
import { REDIS_URL, testPrefix } from '../support/redis.js';

describe.skipIf(!REDIS_URL)('the cache shared by two instances over Redis', () => {
  const prefix = testPrefix();
  // Instance A receives the emulator's webhooks; instance B receives none and keeps no copy of its own.
  const stack = useGateway({ webhooks: true, redisUrl: REDIS_URL, pubsubPrefix: prefix, cacheTtlMs: 600_000 });
  let b: Gateway;
  let bUrl: string;
  let redis: Redis;
  let settled: () => Promise<string[]>;
  beforeAll(async () => {
    b = createTestGateway(stack.emulatorUrl, { redisUrl: REDIS_URL, pubsubPrefix: prefix, cacheTtlMs: 600_000 });
    bUrl = await b.listen();
    redis = new Redis(REDIS_URL!);
    settled = trackWebhooks(stack);
  });
  afterAll(async () => {
    await b?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis?.quit();
  });
  const readOn = async (url: string, id: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: (await import('graphql')).print(CachedCustomerDocument), variables: { id } }),
    });
    return ((await response.json()) as { data: { customer: { givenName: string; cards: unknown[] } } }).data.customer;
  };

  it('shares entries: what one instance read, the other answers with no Square call', async () => {
    const customerId = await newCustomer(stack.square(), 'Shared');
    await newCard(stack.square(), customerId);
    await settled();
    // Each instance lists the seller's locations once (they name its merchant, the cache's key).
    await readOn(stack.url, 'NO-SUCH-CUSTOMER');
    expect((await readOn(bUrl, customerId)).givenName).toBe('Shared');
    await stack.clearCalls();
    expect((await readOn(stack.url, customerId)).givenName).toBe('Shared');
    expect(await stack.calls()).toEqual([]);
  });

  it('shares invalidations: a webhook received by one instance makes the other read Square again', async () => {
    const square = stack.square();
    const customerId = await newCustomer(square, 'Before');
    await settled();
    await readOn(bUrl, customerId);
    await stack.clearCalls();
    expect((await readOn(bUrl, customerId)).givenName).toBe('Before');
    expect(await stack.calls()).toEqual([]);
    await square.customers.update({ customerId, givenName: 'After' });
    await settled();
    await expect.poll(async () => (await readOn(bUrl, customerId)).givenName).toBe('After');
  });
});
