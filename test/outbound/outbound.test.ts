import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SquareClient } from 'square';
import { SCOPES } from '../../src/apis/registry.js';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import type { Gateway } from '../../src/gateway/server.js';
import { OutboundWebhooks, SIGNATURE_HEADER, verifySignature } from '../../src/outbound/index.js';
import { SqliteEventStore } from '../../src/store/index.js';
import { VaultKeyRing } from '../../src/vault/index.js';
import { graphql } from '../gql/index.js';
import { createTestGateway, SERVER_TOKEN, type GraphQLResult } from '../support/gateway.js';
import { startReceiver, type TestReceiver } from '../support/receiver.js';
import { vaultKey } from '../support/vaults.js';
import { WAIT } from '../support/waiting.js';

const CREATE = graphql(`mutation OutboundCreate($input: WebhookSubscriptionCreateInput!) { webhookSubscriptionCreate(input: $input) { __typename
  ... on WebhookSubscriptionCreateSuccess { result { secret subscription { id topic query callbackUrl enabled merchantId } } }
  ... on ValidationError { message code field } } }`);
const UPDATE = graphql(`mutation OutboundUpdate($input: WebhookSubscriptionUpdateInput!) { webhookSubscriptionUpdate(input: $input) { __typename
  ... on WebhookSubscriptionUpdateSuccess { result { secret subscription { id enabled disabledReason previousSecretExpiresAt } } }
  ... on Error { message code } } }`);
const LIST = graphql(`query OutboundList { webhookSubscriptions { id topic enabled disabledReason failingSince } }`);
const DELIVERIES = graphql(`query OutboundDeliveries($id: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
  webhookDeliveries(subscriptionId: $id, status: $status, first: $first, after: $after) {
    edges { cursor node { id eventId status attemptCount lastStatusCode lastError objectId attempts { statusCode error responseBody durationMs } } }
    pageInfo { hasNextPage endCursor } } }`);
const RESEND = graphql(`mutation OutboundResend($id: ID!) { webhookDeliveryResend(id: $id) { __typename
  ... on WebhookDeliveryResendSuccess { delivery { id status eventId } } ... on Error { message code } } }`);

const WEBHOOK_KEY = 'outbound-test-webhook-key';
const everything = generateKey('everything', [...SCOPES]);
const paymentsOnly = generateKey('payments-only', ['PAYMENTS_READ']);

describe('outbound webhooks (SQLite store, one instance)', () => {
  let emulator: Emulator;
  let gateway: Gateway;
  let url: string;
  let store: SqliteEventStore;
  let outbound: OutboundWebhooks;
  let receiver: TestReceiver;
  let square: SquareClient;
  /** The gateway's clock, moved on by tests: retries and the 72 hours are measured on it. */
  let offsetMs = 0;

  const gql = async <T>(document: unknown, variables: Record<string, unknown>, key = everything.key) => {
    const { print } = await import('graphql');
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query: print(document as never), variables }),
    });
    return (await response.json()) as GraphQLResult<T> & { data: any };
  };

  beforeAll(async () => {
    emulator = await createEmulator({ seed: false });
    const emulatorUrl = await emulator.listen();
    store = new SqliteEventStore(':memory:');
    const apiKeys = ApiKeyRing.parse(JSON.stringify({ keys: [everything.entry, paymentsOnly.entry] }), 'test');
    outbound = await OutboundWebhooks.open({
      events: store,
      keys: VaultKeyRing.parse(vaultKey('outbound')),
      authMode: 'server',
      apiKeys,
      policy: 'loopback',
      timeoutMs: 2_000,
      concurrency: 4,
      secretGraceMs: 3600_000,
      retry: { retryForMs: 72 * 3600_000, firstRetryMs: 1_000, maxRetryMs: 60_000 },
      now: () => new Date(Date.now() + offsetMs),
      logger: (await import('pino')).pino({ level: 'silent' }),
    });
    gateway = createTestGateway(emulatorUrl, { apiKeys, gateway: { outbound, webhooks: { store, signatureKey: WEBHOOK_KEY } } });
    url = await gateway.listen();
    emulator.ctx.webhooks.configure({ url: gateway.webhooks!.notificationUrl(), signatureKey: WEBHOOK_KEY, retryBaseMs: 50 });
    receiver = await startReceiver();
    square = new SquareClient({ token: SERVER_TOKEN, baseUrl: emulatorUrl, maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    await emulator?.close();
    await store?.close();
    await receiver?.close();
  });

  it('delivers a customer’s changes through the subscription’s query, signed with the secret shown once', async () => {
    const created = await gql(CREATE, { input: { topic: 'CUSTOMER_UPDATED', callbackUrl: `${receiver.url}?first`, query: '{ squareId givenName familyName }' } });
    expect(created.errors).toBeUndefined();
    const { secret, subscription } = created.data.webhookSubscriptionCreate.result;
    expect(secret).toMatch(/^whsec_/);
    expect(subscription).toMatchObject({ topic: 'CUSTOMER_UPDATED', enabled: true, query: '{ squareId givenName familyName }' });
    const customer = (await square.customers.create({ givenName: 'Ada', familyName: 'Lovelace', idempotencyKey: crypto.randomUUID() })).customer!;
    const first = () => receiver.received.filter((r) => r.path === '/hooks?first' && r.payload.data?.squareId === customer.id);
    await expect.poll(() => first().length, WAIT).toBe(1);
    const got = first()[0]!;
    expect(got.payload).toMatchObject({ topic: 'CUSTOMER_UPDATED', data: { squareId: customer.id, givenName: 'Ada', familyName: 'Lovelace' }, squareEvent: { type: 'customer.created' } });
    expect(got.headers['x-gateway-event-id']).toBe(got.payload.id);
    expect(verifySignature(secret, got.headers[SIGNATURE_HEADER] as string, got.body)).toBe(true);
    expect(verifySignature(`${secret}x`, got.headers[SIGNATURE_HEADER] as string, got.body)).toBe(false);
    const list = await gql(LIST, {});
    expect(JSON.stringify(list.data)).not.toContain(secret);
  });

  it('refuses a selection, or a topic, the key’s scopes do not cover, and a query that does not fit', async () => {
    const forbidden = await gql(CREATE, { input: { topic: 'PAYMENT_UPDATED', callbackUrl: receiver.url, query: '{ squareId customer { givenName } }' } }, paymentsOnly.key);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(forbidden.errors?.[0]?.message).toContain('CUSTOMERS_READ');
    const topic = await gql(CREATE, { input: { topic: 'CUSTOMER_UPDATED', callbackUrl: receiver.url } }, paymentsOnly.key);
    expect(topic.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const wrong = await gql(CREATE, { input: { topic: 'PAYMENT_UPDATED', callbackUrl: receiver.url, query: '{ nosuchfield }' } }, paymentsOnly.key);
    expect(wrong.data.webhookSubscriptionCreate).toMatchObject({ __typename: 'ValidationError', field: 'input.query' });
    const allowed = await gql(CREATE, { input: { topic: 'PAYMENT_UPDATED', callbackUrl: receiver.url } }, paymentsOnly.key);
    const query: string = allowed.data.webhookSubscriptionCreate.result.subscription.query;
    expect(query).toContain('squareId');
    expect(query).not.toContain('customer');
  });

  it('refuses callback URLs the deployment does not allow', async () => {
    for (const callbackUrl of ['ftp://example.com/', 'http://169.254.169.254/latest/meta-data', 'http://user:pw@example.com/', 'not a url']) {
      const refused = await gql(CREATE, { input: { topic: 'CUSTOMER_UPDATED', callbackUrl } });
      expect(refused.data.webhookSubscriptionCreate, callbackUrl).toMatchObject({ __typename: 'ValidationError', field: 'input.callbackUrl' });
    }
  });

  it('delivers every event once, in order per object, after a receiver down for 10 minutes', async () => {
    const created = await gql(CREATE, { input: { topic: 'CUSTOMER_UPDATED', callbackUrl: `${receiver.url}?down`, query: '{ squareId note }' } });
    const subscriptionId: string = created.data.webhookSubscriptionCreate.result.subscription.id;
    receiver.status = 503;
    const ids: string[] = [];
    for (let c = 0; c < 3; c++) {
      const customer = (await square.customers.create({ givenName: `Down ${c}`, idempotencyKey: crypto.randomUUID() })).customer!;
      ids.push(customer.id!);
      for (let n = 1; n <= 3; n++) await square.customers.update({ customerId: customer.id!, note: `v${n}` });
    }
    // Down for 10 minutes on the gateway's clock: each retry finds the receiver down.
    await expect.poll(() => receiver.refused, WAIT).toBeGreaterThan(0);
    for (let minute = 1; minute <= 10; minute++) {
      offsetMs += 60_000;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    receiver.status = 200;
    offsetMs += 3600_000;
    const mine = () => receiver.received.filter((r) => r.path === '/hooks?down');
    await expect.poll(() => mine().length, WAIT).toBe(12);
    const byEvent = new Set(mine().map((r) => r.payload.id));
    expect(byEvent.size).toBe(12);
    for (const id of ids) {
      expect(mine().filter((r) => r.payload.data.squareId === id).map((r) => r.payload.squareEvent?.type)).toEqual([
        'customer.created',
        'customer.updated',
        'customer.updated',
        'customer.updated',
      ]);
    }
    const log = await gql(DELIVERIES, { id: subscriptionId, first: 5 });
    const page = log.data.webhookDeliveries;
    expect(page.edges).toHaveLength(5);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.edges[0].node.status).toBe('DELIVERED');
    const retried = page.edges.map((e: any) => e.node).find((n: any) => n.attemptCount > 1);
    expect(retried.attempts[0]).toMatchObject({ statusCode: 503, error: 'The receiver answered 503.' });
    expect(retried.attempts[0].responseBody.length).toBeLessThanOrEqual(256);
    const next = await gql(DELIVERIES, { id: subscriptionId, first: 20, after: page.pageInfo.endCursor });
    expect(next.data.webhookDeliveries.edges).toHaveLength(7);

    const again = await gql(RESEND, { id: page.edges[0].node.id });
    expect(again.data.webhookDeliveryResend).toMatchObject({ __typename: 'WebhookDeliveryResendSuccess', delivery: { eventId: page.edges[0].node.eventId } });
    await expect.poll(() => mine().filter((r) => r.payload.id === page.edges[0].node.eventId).length, WAIT).toBe(2);
  });

  it('signs with both secrets during a rotation’s grace period, then with the new one', async () => {
    const created = await gql(CREATE, { input: { topic: 'CUSTOMER_UPDATED', callbackUrl: `${receiver.url}?rotate`, query: '{ squareId }' } });
    const { secret: old, subscription } = created.data.webhookSubscriptionCreate.result;
    const rotated = await gql(UPDATE, { input: { id: subscription.id, rotateSecret: true } });
    const fresh: string = rotated.data.webhookSubscriptionUpdate.result.secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    const signedBy = async () => {
      const customer = (await square.customers.create({ givenName: 'Rotation', idempotencyKey: crypto.randomUUID() })).customer!;
      const got = () => receiver.received.find((r) => r.path === '/hooks?rotate' && r.payload.data?.squareId === customer.id);
      await expect.poll(got, WAIT).toBeDefined();
      const { headers, body } = got()!;
      const nowSeconds = Math.floor((Date.now() + offsetMs) / 1000);
      return { old: verifySignature(old, headers[SIGNATURE_HEADER] as string, body, { nowSeconds }), fresh: verifySignature(fresh, headers[SIGNATURE_HEADER] as string, body, { nowSeconds }) };
    };
    expect(await signedBy()).toEqual({ old: true, fresh: true });
    offsetMs += 2 * 3600_000;
    expect(await signedBy()).toEqual({ old: false, fresh: true });
  });

  it('disables a subscription whose deliveries failed for 72 hours, and says why', async () => {
    const created = await gql(CREATE, { input: { topic: 'CUSTOMER_UPDATED', callbackUrl: `${receiver.url}?gone`, query: '{ squareId }' } });
    const id: string = created.data.webhookSubscriptionCreate.result.subscription.id;
    receiver.status = 500;
    await square.customers.create({ givenName: 'Never', idempotencyKey: crypto.randomUUID() });
    const refusedBefore = receiver.refused;
    await expect.poll(() => receiver.refused, WAIT).toBeGreaterThan(refusedBefore);
    offsetMs += 73 * 3600_000;
    const state = async () => ((await gql(LIST, {})).data.webhookSubscriptions as any[]).find((s) => s.id === id);
    await expect.poll(async () => (await state()).enabled, WAIT).toBe(false);
    expect((await state()).disabledReason).toMatch(/^Deliveries failed for 72 hours; the last attempt: The receiver answered 500\./);
    receiver.status = 200;
    const failed = await gql(DELIVERIES, { id, status: 'FAILED' });
    expect(failed.data.webhookDeliveries.edges.length).toBeGreaterThan(0);
  });
});
