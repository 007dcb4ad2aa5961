import { randomUUID } from 'node:crypto';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, DEFAULT_KEY_BUDGET, generateKey } from '../../src/gateway/api-keys.js';
import { schema } from '../../src/schema/index.js';
import { CreateCustomerDocument, CustomerByIdDocument, CustomerOverviewDocument } from '../gql/graphql.js';
import { createTestGateway, useGateway, type TestStack } from '../support/gateway.js';
import { eventually } from '../support/eventually.js';
import { arrangeMerchant } from '../support/merchant.js';
import { subscribeSse } from '../support/sse.js';
import { REDIS_URL, testPrefix } from '../support/redis.js';

// customer(id:) is one Square call (50) and a field (1); id, squareId and givenName a field each.
const CUSTOMER_BY_ID_COST = 54;

const everything = ['CUSTOMERS_READ', 'CUSTOMERS_WRITE', 'PAYMENTS_READ', 'ORDERS_READ', 'GIFTCARDS_READ', 'MERCHANT_PROFILE_READ'] as const;
const roomy = generateKey('roomy', [...everything]);
const tight = generateKey('tight', ['CUSTOMERS_READ']);
const other = generateKey('other', ['CUSTOMERS_READ']);
const keysFile = JSON.stringify({
  defaultBudget: { costPerSecond: 100_000, burst: 200_000 },
  keys: [
    roomy.entry,
    // Room for one CustomerById (54) but not two; nothing comes back within a test.
    { ...tight.entry, budget: { costPerSecond: 0.01, burst: 100 } },
    { ...other.entry, budget: { costPerSecond: 0.01, burst: 100 } },
  ],
});
const apiKeys = () => ApiKeyRing.parse(keysFile, 'test keys');
const as = (key: { key: string }) => ({ headers: { 'x-api-key': key.key } });

interface Cost {
  requestedQueryCost: number;
  actualQueryCost: number;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } | null;
  apiKeyThrottleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}
const costOf = (result: object) => (result as { extensions?: { cost: Cost } }).extensions?.cost;

describe('extensions.cost', () => {
  // A seller budget that restores next to nothing during the test, so that what is left is what was spent.
  const stack = useGateway({ apiKeys: apiKeys(), budget: { ratePerSecond: 0.001, burst: 1_000 } });
  let customerId: string;
  beforeAll(async () => {
    const merchant = await arrangeMerchant(stack.square(), { customers: 3, ordersPerCustomer: 1 });
    customerId = merchant.customers[0]!.id;
  });

  it('on a query: what it was measured at, and Square calls as many as the emulator received', async () => {
    await stack.clearCalls();
    const result = await stack.gql(CustomerOverviewDocument, { first: 3, ordersFirst: 5 }, as(roomy));
    expect(result.errors).toBeUndefined();
    const cost = costOf(result)!;
    expect(cost.requestedQueryCost).toBe(complexityFromQuery(CustomerOverviewDocument, { schema, variables: { first: 3, ordersFirst: 5 } }).complexity);
    expect(cost.actualQueryCost).toBeGreaterThan(5);
    expect(cost.actualQueryCost).toBe((await stack.calls()).length);

    await stack.clearCalls();
    const one = await stack.gql(CustomerByIdDocument, { id: customerId }, as(roomy));
    expect(costOf(one)).toMatchObject({ requestedQueryCost: CUSTOMER_BY_ID_COST, actualQueryCost: (await stack.calls()).length });
  });

  it('throttleStatus is the seller’s Square budget, less each call made', async () => {
    const before = costOf(await stack.gql(CustomerByIdDocument, { id: customerId }, as(roomy)))!;
    expect(before.throttleStatus).toMatchObject({ maximumAvailable: 1_000, restoreRate: 0.001 });
    const after = costOf(await stack.gql(CustomerOverviewDocument, { first: 3, ordersFirst: 5 }, as(roomy)))!;
    expect(after.throttleStatus!.currentlyAvailable).toBe(before.throttleStatus!.currentlyAvailable - after.actualQueryCost);
    // A key with no budget of its own has the file's default.
    expect(after.apiKeyThrottleStatus).toMatchObject({ maximumAvailable: 200_000, restoreRate: 100_000 });
  });

  it('on a mutation', async () => {
    await stack.clearCalls();
    const variables = { input: { idempotencyKey: randomUUID(), givenName: 'Ada' } };
    const result = await stack.gql(CreateCustomerDocument, variables, as(roomy));
    expect(result.data?.createCustomer?.__typename).toBe('CreateCustomerSuccess');
    const cost = costOf(result)!;
    expect(cost.requestedQueryCost).toBe(complexityFromQuery(CreateCustomerDocument, { schema, variables }).complexity);
    expect(cost.actualQueryCost).toBe((await stack.calls()).length);
    expect(cost.actualQueryCost).toBeGreaterThan(0);
  });

  it('on error responses: a syntax error, an invalid document, an unknown key, a query too complex', async () => {
    const syntax = await stack.gql('{ customer(id: ', undefined, as(roomy));
    expect(syntax.errors![0]!.extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(costOf(syntax)).toMatchObject({ requestedQueryCost: 0, actualQueryCost: 0 });

    const invalid = await stack.gql('{ customer { nope } }', undefined, as(roomy));
    expect(invalid.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(costOf(invalid)).toMatchObject({ requestedQueryCost: 0, actualQueryCost: 0 });

    // A caller who did not get through learns nothing of the seller's budget.
    const unknown = await stack.gql(CustomerByIdDocument, { id: customerId }, { headers: { 'x-api-key': 'gk_nope' } });
    expect(unknown.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(costOf(unknown)).toEqual({ requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: null });

    await stack.clearCalls();
    const tooComplex = await stack.gql('{ customers(first: 100) { edges { node { orders(first: 100) { edges { node { payments { refunds { id } } } } } } } } }', undefined, as(roomy));
    expect(tooComplex.errors![0]!.extensions!.code).toBe('QUERY_TOO_COMPLEX');
    expect(costOf(tooComplex)).toMatchObject({ actualQueryCost: 0, throttleStatus: { maximumAvailable: 1_000 } });
    expect(costOf(tooComplex)!.requestedQueryCost).toBe(tooComplex.errors![0]!.extensions!.value);
    expect(await stack.calls()).toEqual([]);
  });
});

describe('each API key’s budget', () => {
  const stack = useGateway({ apiKeys: apiKeys() });
  let customerId: string;
  beforeAll(async () => {
    customerId = (await arrangeMerchant(stack.square(), { customers: 1, ordersPerCustomer: 0 })).customers[0]!.id;
  });

  it('refuses an operation costing more than the key has left with THROTTLED and a retry hint, before any Square call; another key is not touched', async () => {
    const first = await stack.gql(CustomerByIdDocument, { id: customerId }, as(tight));
    expect(first.errors).toBeUndefined();
    expect(costOf(first)!.apiKeyThrottleStatus).toEqual({ maximumAvailable: 100, currentlyAvailable: 100 - CUSTOMER_BY_ID_COST, restoreRate: 0.01 });

    await stack.clearCalls();
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': tight.key },
      body: JSON.stringify({ query: '{ customer(id: "x") { id squareId givenName } }' }),
    });
    expect(response.status).toBe(200);
    const refused = (await response.json()) as { data?: unknown; errors: Array<{ extensions: Record<string, unknown> }>; extensions: unknown };
    expect(refused.data).toBeUndefined();
    const retryAfterSeconds = Math.ceil((CUSTOMER_BY_ID_COST - (100 - CUSTOMER_BY_ID_COST)) / 0.01);
    expect(refused.errors[0]!.extensions).toMatchObject({ code: 'THROTTLED', requestedQueryCost: CUSTOMER_BY_ID_COST });
    expect(refused.errors[0]!.extensions.retryAfterSeconds).toBeGreaterThanOrEqual(retryAfterSeconds - 1);
    expect(refused.errors[0]!.extensions.retryAfterSeconds).toBeLessThanOrEqual(retryAfterSeconds);
    expect(response.headers.get('retry-after')).toBe(String(refused.errors[0]!.extensions.retryAfterSeconds));
    expect(costOf(refused)).toMatchObject({ requestedQueryCost: CUSTOMER_BY_ID_COST, actualQueryCost: 0 });
    expect(await stack.calls()).toEqual([]);

    const otherKey = await stack.gql(CustomerByIdDocument, { id: customerId }, as(other));
    expect(otherKey.errors).toBeUndefined();
    expect(otherKey.data?.customer?.squareId).toBe(customerId);
  });

  it('refuses an operation costing more than the key’s burst, with no retry hint (waiting would not help)', async () => {
    const result = await stack.gql(CustomerOverviewDocument, { first: 3, ordersFirst: 5 }, as(other));
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'THROTTLED', maximumAvailable: 100 });
    expect(result.errors![0]!.extensions!.retryAfterSeconds).toBeUndefined();
  });
});

describe.skipIf(!REDIS_URL)('an API key’s budget across instances, in Redis', () => {
  const stack: TestStack = useGateway();
  const prefix = testPrefix();
  const gateways: Array<ReturnType<typeof createTestGateway>> = [];
  const redis = new Redis(REDIS_URL!);
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await redis.quit();
  });

  it('is spent once by a fleet: what one instance took, another does not grant again', async () => {
    const customerId = (await arrangeMerchant(stack.square(), { customers: 1, ordersPerCustomer: 0 })).customers[0]!.id;
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const gateway = createTestGateway(stack.emulatorUrl, { apiKeys: apiKeys(), redisUrl: REDIS_URL, pubsubPrefix: prefix });
      gateways.push(gateway);
      urls.push(await gateway.listen());
    }
    const ask = async (url: string) =>
      (await (
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': tight.key },
          body: JSON.stringify({ query: '{ customer(id: "' + customerId + '") { id squareId givenName } }' }),
        })
      ).json()) as { errors?: Array<{ extensions: { code: string } }>; extensions: { cost: Cost } };
    // Until an instance's Redis connection is up it budgets on its own: wait until both spend in Redis.
    const roomyBucket = `${prefix}square-budget:api-key:${roomy.entry.sha256}`;
    for (const url of urls) {
      await redis.del(roomyBucket);
      await eventually('the instance to spend in Redis', async () => {
        await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': roomy.key }, body: '{"query":"{ __typename }"}' });
        return (await redis.exists(roomyBucket)) === 1;
      });
    }
    const first = await ask(urls[0]!);
    expect(first.errors).toBeUndefined();
    const second = await ask(urls[1]!);
    expect(second.errors?.[0]?.extensions.code).toBe('THROTTLED');
    expect(second.extensions.cost.apiKeyThrottleStatus?.currentlyAvailable).toBe(100 - CUSTOMER_BY_ID_COST);
  });
});

describe('budgets in the keys file', () => {
  it('refuses a budget that is not a positive cost per second and burst, naming where', () => {
    const bad = JSON.stringify({ keys: [{ ...tight.entry, budget: { costPerSecond: 0, burst: 100 } }] });
    expect(() => ApiKeyRing.parse(bad, 'keys.json')).toThrow(/keys\.json is not a valid keys file: keys\.0\.budget\.costPerSecond/);
  });

  it('gives a key without one the file’s default, or the gateway’s', () => {
    const withDefault = ApiKeyRing.parse(JSON.stringify({ defaultBudget: { costPerSecond: 5, burst: 50 }, keys: [roomy.entry] }), 'k');
    expect(withDefault.find(roomy.key)!.budget).toEqual({ costPerSecond: 5, burst: 50 });
    expect(ApiKeyRing.parse(JSON.stringify({ keys: [roomy.entry] }), 'k').find(roomy.key)!.budget).toEqual(DEFAULT_KEY_BUDGET);
  });
});

describe('a subscription and its key’s budget', () => {
  const streamer = generateKey('streamer', ['ORDERS_READ']);
  // orderUpdated { squareId } costs 2 (two fields; the event's read is not planned): one subscription, not two.
  const stack = useGateway({
    webhooks: true,
    apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [{ ...streamer.entry, budget: { costPerSecond: 0.01, burst: 3 } }] }), 'test keys'),
  });

  it('is charged once, when it starts; one the key cannot pay for is THROTTLED', async () => {
    const query = 'subscription { orderUpdated { squareId } }';
    const first = await subscribeSse(stack.url, query, {}, { headers: { 'x-api-key': streamer.key } });
    const second = await subscribeSse(stack.url, query, {}, { headers: { 'x-api-key': streamer.key } });
    const refusal = await second.next();
    expect(refusal.errors?.[0]?.extensions).toMatchObject({ code: 'THROTTLED', requestedQueryCost: 2 });
    expect(costOf(refusal)).toMatchObject({ requestedQueryCost: 2, actualQueryCost: 0, apiKeyThrottleStatus: { currentlyAvailable: 1 } });
    expect(first.completed).toBe(false);
    first.close();
    second.close();
  });
});
