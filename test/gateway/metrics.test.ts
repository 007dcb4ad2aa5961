import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../src/gateway/metrics.js';
import { tokenKey } from '../../src/square/budget.js';
import { SqliteEventStore } from '../../src/store/index.js';
import { EventProcessor } from '../../src/webhooks/index.js';
import { CachedCustomerDocument, CustomerOverviewDocument, PaymentsOfCustomerDocument } from '../gql/graphql.js';
import { trackWebhooks } from '../support/cache.js';
import { addFault } from '../support/faults.js';
import { SERVER_TOKEN, useGateway, type TestStack } from '../support/gateway.js';
import { newCard, newCustomer } from '../support/payments.js';
import { subscribeSse } from '../support/sse.js';

const METRICS_TOKEN = 'metrics-test-token';

async function scrape(stack: TestStack, token = METRICS_TOKEN): Promise<string> {
  const response = await fetch(new URL('/metrics', stack.url), { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one series in Prometheus text: the sample named `name` whose labels include `labels`; 0 when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2]?.split(/,(?=[a-z_]+=")/) ?? [];
    if (wanted.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return 0;
}

describe('/metrics', () => {
  const stack = useGateway({ webhooks: true, cacheTtlMs: 600_000, maxRetries: 1, metricsToken: METRICS_TOKEN });
  let customerId: string;
  let settled: () => Promise<string[]>;
  beforeAll(async () => {
    settled = trackWebhooks(stack);
    customerId = await newCustomer(stack.square(), 'Ada');
    await newCard(stack.square(), customerId);
    await settled();
  });

  it('answers only with the token when one is set', async () => {
    const url = new URL('/metrics', stack.url);
    const without = await fetch(url);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const right = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(right.status).toBe(200);
    expect(right.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await right.text()).toContain('# TYPE gateway_graphql_operations_total counter');
  });

  it('counts operations by name and outcome, Square calls by endpoint and status, and a repeat read from the cache', async () => {
    const before = await scrape(stack);
    expect((await stack.gql(CachedCustomerDocument, { id: customerId })).errors).toBeUndefined();
    expect((await stack.gql(CachedCustomerDocument, { id: customerId })).errors).toBeUndefined();
    const tooLarge = await stack.gql(CustomerOverviewDocument, { first: 5000, ordersFirst: 1 });
    expect(tooLarge.errors![0]!.extensions!.code).toBe('QUERY_TOO_COMPLEX');
    const after = await scrape(stack);
    const moved = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);

    expect(moved('gateway_graphql_operations_total', { operation: 'CachedCustomer', type: 'query', outcome: 'ok' })).toBe(2);
    expect(moved('gateway_graphql_operation_duration_seconds_count', { operation: 'CachedCustomer', outcome: 'ok' })).toBe(2);
    expect(moved('gateway_graphql_operations_total', { operation: 'CustomerOverview', outcome: 'QUERY_TOO_COMPLEX' })).toBe(1);
    // The first read asked Square for the customer's cards; the repeat was answered from the cache.
    expect(moved('gateway_square_requests_total', { endpoint: 'GET /v2/cards', status: '200' })).toBe(1);
    expect(moved('gateway_square_request_duration_seconds_count', { endpoint: 'GET /v2/cards', status: '200' })).toBe(1);
    expect(moved('gateway_cache_lookups_total', { kind: 'cards-of', result: 'miss' })).toBe(1);
    expect(moved('gateway_cache_lookups_total', { kind: 'cards-of', result: 'hit' })).toBe(1);
    expect(moved('gateway_square_budget_wait_seconds_count', {})).toBeGreaterThan(0);
  });

  it('counts a 429 from Square and the retry it led to', async () => {
    await addFault(stack, { method: 'GET', path: '/v2/customers', status: 429, retry_after_seconds: 0, count: 1 });
    const before = await scrape(stack);
    expect((await stack.gql(CustomerOverviewDocument, { first: 5, ordersFirst: 1 })).errors).toBeUndefined();
    const after = await scrape(stack);
    const moved = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(moved('gateway_square_requests_total', { endpoint: 'GET /v2/customers', status: '429' })).toBe(1);
    expect(moved('gateway_square_requests_total', { endpoint: 'GET /v2/customers', status: '200' })).toBe(1);
    expect(moved('gateway_square_retries_total', { endpoint: 'GET /v2/customers' })).toBe(1);
  });

  it('counts webhook events received and applied, and how late they were applied', async () => {
    const before = await scrape(stack);
    await stack.square().customers.update({ customerId, familyName: 'Lovelace' });
    expect(await settled()).toEqual(['customer.updated']);
    const after = await scrape(stack);
    const moved = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(moved('gateway_webhook_events_received_total', { type: 'customer.updated', outcome: 'new' })).toBe(1);
    expect(moved('gateway_webhook_events_applied_total', { type: 'customer.updated' })).toBe(1);
    expect(moved('gateway_webhook_apply_lag_seconds_count')).toBe(1);
    expect(sample(after, 'gateway_webhook_events_parked_total')).toBe(0);
  });

  it('gauges the subscriptions streaming', async () => {
    expect(sample(await scrape(stack), 'gateway_graphql_subscriptions_open')).toBe(0);
    const subscription = await subscribeSse(stack.url, print(PaymentsOfCustomerDocument), { customerId });
    expect(subscription.status).toBe(200);
    expect(sample(await scrape(stack), 'gateway_graphql_subscriptions_open')).toBe(1);
    subscription.close();
    await expect.poll(async () => sample(await scrape(stack), 'gateway_graphql_subscriptions_open')).toBe(0);
  });

  it('names no token, seller or customer', async () => {
    const text = await scrape(stack);
    for (const secret of [SERVER_TOKEN, tokenKey(SERVER_TOKEN), customerId, METRICS_TOKEN]) expect(text).not.toContain(secret);
  });
});

describe('/metrics without a token', () => {
  const stack = useGateway({ budget: { ratePerSecond: 1, burst: 1 }, deadlineMs: 300 });
  beforeAll(async () => {
    for (const name of ['Ada', 'Grace']) await newCustomer(stack.square(), name);
  });

  it('is open, and counts calls the seller’s budget refused', async () => {
    // The page spends the burst; the customers' lists cannot wait past the deadline for more.
    const page = await stack.gql(CustomerOverviewDocument, { first: 5, ordersFirst: 1 });
    expect(page.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const response = await fetch(new URL('/metrics', stack.url));
    expect(response.status).toBe(200);
    expect(sample(await response.text(), 'gateway_square_budget_refusals_total', { reason: 'spent' })).toBeGreaterThan(0);
  });
});

describe('parked webhook events', () => {
  it('are counted by type', async () => {
    const store = new SqliteEventStore(':memory:');
    store.recordMerge = () => Promise.reject(new Error('the merge cannot be stored'));
    const merge = { data: { object: { event_context: { merge: { from_customer_ids: ['A'], to_customer_id: 'B' } } } } };
    await store.recordEvent({ event_id: 'event-1', type: 'customer.created', merchant_id: 'M' }, JSON.stringify(merge));
    const metrics = new GatewayMetrics();
    const quiet = { warn: () => {}, error: () => {} };
    const processor = new EventProcessor(store, { observer: metrics.webhooks, maxAttempts: 1, logger: quiet });
    await processor.start();
    await processor.stop();
    await store.close();
    const text = await metrics.render();
    expect(sample(text, 'gateway_webhook_events_parked_total', { type: 'customer.created' })).toBe(1);
    expect(sample(text, 'gateway_webhook_events_applied_total', { type: 'customer.created' })).toBe(0);
  });
});

describe('process metrics', () => {
  it('are added only when asked for', async () => {
    expect(await new GatewayMetrics().render()).not.toContain('process_cpu_user_seconds_total');
    expect(await new GatewayMetrics({ processMetrics: true }).render()).toContain('process_cpu_user_seconds_total');
  });
});
