import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { print } from 'graphql';
import { SquareClient } from 'square';
import { SCOPES } from '../../src/apis/registry.js';
import { createEmulator, type Emulator } from '../../src/emulator/server.js';
import { ApiKeyRing, generateKey, type KeyEntry } from '../../src/gateway/api-keys.js';
import type { Gateway } from '../../src/gateway/server.js';
import { OutboundWebhooks } from '../../src/outbound/index.js';
import { connectedSellerKey } from '../../src/context/seller-link.js';
import { SqliteBulkStore, SqliteEventStore } from '../../src/store/index.js';
import type { SellerVault } from '../../src/vault/index.js';
import { VaultKeyRing } from '../../src/vault/index.js';
import { graphql } from '../gql/index.js';
import { createTestGateway, type GraphQLResult } from '../support/gateway.js';
import { startReceiver, type TestReceiver } from '../support/receiver.js';
import { actingFor, connectSeller, memoryVault, partnerGateway, type ConnectedTestSeller } from '../support/sellers.js';
import { vaultKey } from '../support/vaults.js';
import { WAIT } from '../support/waiting.js';

const CREATE = graphql(`mutation PartnerOutboundCreate($input: WebhookSubscriptionCreateInput!) { webhookSubscriptionCreate(input: $input) { __typename
  ... on WebhookSubscriptionCreateSuccess { result { subscription { id merchantId } } } ... on Error { message code } } }`);
const DISABLE = graphql(`mutation PartnerOutboundDisable($input: WebhookSubscriptionUpdateInput!) { webhookSubscriptionUpdate(input: $input) { __typename
  ... on WebhookSubscriptionUpdateSuccess { result { subscription { id enabled } } } ... on Error { message code } } }`);
const DELETE = graphql(`mutation PartnerOutboundDelete($input: WebhookSubscriptionDeleteInput!) { webhookSubscriptionDelete(input: $input) { __typename
  ... on WebhookSubscriptionDeleteSuccess { subscription { id } } ... on NotFoundError { message code } } }`);
const BULK = graphql(`mutation PartnerOutboundBulk($query: String!) { bulkOperationRunQuery(query: $query) { __typename
  ... on BulkOperationRunQuerySuccess { bulkOperation { id } } ... on Error { message code } } }`);
const LIST = graphql(`query PartnerOutboundList { webhookSubscriptions { id enabled disabledReason } }`);
const DELIVERIES = graphql(`query PartnerOutboundDeliveries($id: ID!) { webhookDeliveries(subscriptionId: $id, first: 100) { edges { node { eventId objectId } } } }`);

const WEBHOOK_KEY = 'outbound-partners-webhook-key';
const everySeller = generateKey('partner-every-seller', [...SCOPES], { sellers: '*' });
/** Allowed sellers A and B (set once they are connected), never C. */
const listed = generateKey('partner-listed', [...SCOPES], { sellers: ['placeholder'] });

describe('outbound webhooks of partner keys (SQLite store, one instance)', () => {
  let emulator: Emulator;
  let emulatorUrl: string;
  let gateway: Gateway;
  let url: string;
  let store: SqliteEventStore;
  let bulkStore: SqliteBulkStore;
  let vault: SellerVault;
  let ring: ApiKeyRing;
  let outbound: OutboundWebhooks;
  let receiver: TestReceiver;
  let a: ConnectedTestSeller;
  let b: ConnectedTestSeller;
  let c: ConnectedTestSeller;

  const gql = async (document: unknown, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: print(document as never), variables }),
    });
    return (await response.json()) as GraphQLResult<unknown> & { data: any };
  };
  const keyOnly = (key: string) => ({ 'x-api-key': key });
  const subscribe = async (topic: string, path: string, headers: Record<string, string>): Promise<string> => {
    const created = await gql(CREATE, { input: { topic, callbackUrl: `${receiver.url}?${path}`, ...(topic === 'CUSTOMER_UPDATED' ? { query: '{ squareId givenName }' } : {}) } }, headers);
    expect(created.data.webhookSubscriptionCreate, path).toMatchObject({ __typename: 'WebhookSubscriptionCreateSuccess' });
    return created.data.webhookSubscriptionCreate.result.subscription.id;
  };
  const at = (path: string) => receiver.received.filter((r) => r.path === `/hooks?${path}`);
  const customerOf = async (seller: ConnectedTestSeller, givenName: string): Promise<string> =>
    (await new SquareClient({ token: seller.token, baseUrl: emulatorUrl, maxRetries: 0 }).customers.create({ givenName, idempotencyKey: crypto.randomUUID() })).customer!.id!;
  const deliveriesOf = async (id: string, key: string) =>
    ((await gql(DELIVERIES, { id }, keyOnly(key))).data.webhookDeliveries.edges as Array<{ node: { eventId: string; objectId: string } }>).map((e) => e.node);
  const setKeys = (...entries: KeyEntry[]) => ring.replaceWith(ApiKeyRing.parse(JSON.stringify({ keys: entries }), 'test keys'));

  beforeAll(async () => {
    emulator = await createEmulator({ seed: false });
    emulatorUrl = await emulator.listen();
    store = new SqliteEventStore(':memory:');
    vault = memoryVault();
    ring = ApiKeyRing.parse(JSON.stringify({ keys: [everySeller.entry] }), 'test keys');
    outbound = await OutboundWebhooks.open({
      events: store,
      keys: VaultKeyRing.parse(vaultKey('outbound-partners')),
      authMode: 'server',
      apiKeys: ring,
      policy: 'loopback',
      timeoutMs: 2_000,
      concurrency: 4,
      secretGraceMs: 3600_000,
      retry: { retryForMs: 72 * 3600_000, firstRetryMs: 1_000, maxRetryMs: 60_000 },
      logger: (await import('pino')).pino({ level: 'silent' }),
    });
    bulkStore = new SqliteBulkStore(':memory:');
    gateway = createTestGateway(
      emulatorUrl,
      // A short lease: an end left unpublished is published again a lease after it was recorded.
      { apiKeys: ring, bulk: { leaseMs: 3_000, pollMs: 250 }, gateway: { ...partnerGateway(vault), outbound, webhooks: { store, signatureKey: WEBHOOK_KEY } } },
      undefined,
      bulkStore,
    );
    url = await gateway.listen();
    emulator.ctx.webhooks.configure({ url: gateway.webhooks!.notificationUrl(), signatureKey: WEBHOOK_KEY, retryBaseMs: 50 });
    receiver = await startReceiver();
    a = await connectSeller({ emulator, emulatorUrl }, vault);
    b = await connectSeller({ emulator, emulatorUrl }, vault);
    c = await connectSeller({ emulator, emulatorUrl }, vault);
    listed.entry.sellers = [a.merchantId, b.merchantId];
    setKeys(everySeller.entry, listed.entry);
  });
  afterAll(async () => {
    await gateway?.close();
    await emulator?.close();
    await store?.close();
    await bulkStore?.close();
    await vault?.close();
    await receiver?.close();
  });

  it('deliver to a subscription naming a seller only that seller’s events, and to one naming none those of every seller the key may act for', async () => {
    const forA = await subscribe('CUSTOMER_UPDATED', 'listed-a', actingFor(listed.key, a.merchantId));
    const forListed = await subscribe('CUSTOMER_UPDATED', 'listed-all', keyOnly(listed.key));
    await subscribe('CUSTOMER_UPDATED', 'every-seller', keyOnly(everySeller.key));
    const subscriptions = (await gql(LIST, {}, keyOnly(listed.key))).data.webhookSubscriptions;
    expect(subscriptions.map((s: { id: string }) => s.id).sort()).toEqual([forA, forListed].sort());

    const ofC = await customerOf(c, 'Cleo');
    const ofA = await customerOf(a, 'Aiko');
    const ofB = await customerOf(b, 'Bram');
    const customers = (path: string) => at(path).map((r) => `${r.payload.merchantId} ${r.payload.data?.squareId}`).sort();
    // The key of every seller hears all three: each event has been applied, and every delivery it makes enqueued in that commit.
    await expect.poll(() => customers('every-seller'), WAIT).toEqual([`${a.merchantId} ${ofA}`, `${b.merchantId} ${ofB}`, `${c.merchantId} ${ofC}`].sort());
    await expect.poll(() => customers('listed-all'), WAIT).toEqual([`${a.merchantId} ${ofA}`, `${b.merchantId} ${ofB}`].sort());
    await expect.poll(() => customers('listed-a'), WAIT).toEqual([`${a.merchantId} ${ofA}`]);
    expect((await deliveriesOf(forA, listed.key)).map((d) => d.objectId)).toEqual([ofA]);
    expect((await deliveriesOf(forListed, listed.key)).map((d) => d.objectId).sort()).toEqual([ofA, ofB].sort());
  });

  it('disable a subscription for one seller, saying why, once its key may no longer act for that seller', async () => {
    const forB = await subscribe('CUSTOMER_UPDATED', 'listed-b', actingFor(listed.key, b.merchantId));
    const shrunk = { ...listed.entry, sellers: [a.merchantId] };
    setKeys(everySeller.entry, shrunk);
    try {
      const ofB = await customerOf(b, 'Bodil');
      const state = async () => ((await gql(LIST, {}, keyOnly(listed.key))).data.webhookSubscriptions as Array<{ id: string; enabled: boolean; disabledReason: string | null }>).find((s) => s.id === forB);
      await expect.poll(async () => (await state())?.enabled, WAIT).toBe(false);
      expect((await state())?.disabledReason).toContain(`may not act for seller ${b.merchantId}`);
      expect(at('listed-b').filter((r) => r.payload.data?.squareId === ofB)).toEqual([]);
    } finally {
      setKeys(everySeller.entry, listed.entry);
    }
  });

  it('disable a subscription to all of a key’s sellers, saying why, once the key is revoked', async () => {
    const forAll = await subscribe('CUSTOMER_UPDATED', 'listed-revoked', keyOnly(listed.key));
    setKeys(everySeller.entry, { ...listed.entry, revoked: true });
    try {
      await customerOf(a, 'Ada');
      // A revoked key reads nothing, so the subscription is looked at in the store until the attempt has disabled it.
      const row = () => store.database.prepare<[string], { enabled: number }>('SELECT enabled FROM outbound_subscriptions WHERE id = ?').get(forAll);
      await expect.poll(() => row()?.enabled, WAIT).toBe(0);
    } finally {
      setKeys(everySeller.entry, listed.entry);
    }
    const state = ((await gql(LIST, {}, keyOnly(listed.key))).data.webhookSubscriptions as Array<{ id: string; enabled: boolean; disabledReason: string | null }>).find((s) => s.id === forAll);
    expect(state).toMatchObject({ enabled: false, disabledReason: 'The API key that owns it was revoked.' });
    expect(at('listed-revoked')).toEqual([]);
  });

  it('deliver nothing more to a deleted subscription, and refuse to delete another key’s', async () => {
    const doomed = await subscribe('CUSTOMER_UPDATED', 'doomed', actingFor(listed.key, a.merchantId));
    await subscribe('CUSTOMER_UPDATED', 'witness', actingFor(everySeller.key, a.merchantId));
    const before = await customerOf(a, 'Before');
    await expect.poll(() => at('doomed').map((r) => r.payload.data?.squareId), WAIT).toEqual([before]);

    const refused = await gql(DELETE, { input: { id: doomed } }, keyOnly(everySeller.key));
    expect(refused.errors).toBeUndefined();
    expect(refused.data.webhookSubscriptionDelete).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const ids = async (key: string) => ((await gql(LIST, {}, keyOnly(key))).data.webhookSubscriptions as Array<{ id: string }>).map((s) => s.id);
    expect(await ids(listed.key)).toContain(doomed);
    expect(await deliveriesOf(doomed, listed.key)).toHaveLength(1);

    const deleted = await gql(DELETE, { input: { id: doomed } }, keyOnly(listed.key));
    expect(deleted.data.webhookSubscriptionDelete).toEqual({ __typename: 'WebhookSubscriptionDeleteSuccess', subscription: { id: doomed } });
    expect(await ids(listed.key)).not.toContain(doomed);
    const again = await gql(DELETE, { input: { id: doomed } }, keyOnly(listed.key));
    expect(again.data.webhookSubscriptionDelete).toMatchObject({ __typename: 'NotFoundError' });

    const after = await customerOf(a, 'After');
    // The witness's delivery of it was enqueued in the commit that applied the event: the deleted one's would have been too.
    await expect.poll(() => at('witness').map((r) => r.payload.data?.squareId), WAIT).toContain(after);
    expect(at('doomed').map((r) => r.payload.data?.squareId)).toEqual([before]);
  });

  it('deliver a published BULK_OPERATION_FINISHED once to every enabled subscription of its seller, however often it is published', async () => {
    const forA = await subscribe('BULK_OPERATION_FINISHED', 'bulk-a', actingFor(listed.key, a.merchantId));
    const forEvery = await subscribe('BULK_OPERATION_FINISHED', 'bulk-every', keyOnly(everySeller.key));
    const forB = await subscribe('BULK_OPERATION_FINISHED', 'bulk-b', actingFor(listed.key, b.merchantId));
    const disabled = await subscribe('BULK_OPERATION_FINISHED', 'bulk-disabled', actingFor(everySeller.key, a.merchantId));
    const off = await gql(DISABLE, { input: { id: disabled, enabled: false } }, keyOnly(everySeller.key));
    expect(off.data.webhookSubscriptionUpdate).toMatchObject({ result: { subscription: { enabled: false } } });

    const event = { topic: 'BULK_OPERATION_FINISHED', merchantId: a.merchantId, objectId: 'bulkop_1', eventId: 'bulkop_1:finished', data: { id: 'bulkop_1', status: 'COMPLETED' } } as const;
    await outbound.publish(event);
    await outbound.publish(event);
    for (const path of ['bulk-a', 'bulk-every']) {
      await expect.poll(() => at(path).length, WAIT).toBe(1);
      expect(at(path)[0]!.payload).toMatchObject({ topic: 'BULK_OPERATION_FINISHED', merchantId: a.merchantId, squareEvent: null, data: event.data });
    }
    // Both publications were enqueued before publish resolved: a second delivery, or one to another subscription, would be in the log already.
    expect(await deliveriesOf(forA, listed.key)).toHaveLength(1);
    expect(await deliveriesOf(forEvery, everySeller.key)).toHaveLength(1);
    expect(await deliveriesOf(forB, listed.key)).toEqual([]);
    expect(await deliveriesOf(disabled, everySeller.key)).toEqual([]);
    expect(at('bulk-b').concat(at('bulk-disabled'))).toEqual([]);
  });

  it("deliver the end of a bulk operation whose instance stopped after recording it, before publishing it", async () => {
    await subscribe('BULK_OPERATION_FINISHED', 'bulk-left-b', actingFor(everySeller.key, b.merchantId));
    // What a stopped instance leaves: the run's end in the store, nothing enqueued for it.
    const id = crypto.randomUUID();
    const created = await bulkStore.create(
      { id, seller: connectedSellerKey(b.merchantId), merchantId: b.merchantId, keySha256: everySeller.entry.sha256, query: '{ customers { edges { node { id } } } }', sealedToken: null, changesCursor: 0 },
      { perSeller: 10, perKey: 10 },
    );
    expect(created).toHaveProperty('created');
    expect(await bulkStore.claim('a-stopped-instance', 3600_000, id)).toMatchObject({ id, status: 'RUNNING' });
    expect(await bulkStore.finish(id, 'a-stopped-instance', { status: 'COMPLETED' })).toMatchObject({ id, status: 'COMPLETED' });
    expect(await bulkStore.unpublishedEnds(new Date(Date.now() + 1_000), 100)).toMatchObject([{ id }]);

    await expect.poll(() => at('bulk-left-b').length, { ...WAIT, timeout: 20_000 }).toBe(1);
    expect(at('bulk-left-b')[0]!.payload).toMatchObject({ topic: 'BULK_OPERATION_FINISHED', merchantId: b.merchantId, data: { status: 'COMPLETED', objectCount: 0 } });
    await expect.poll(() => bulkStore.unpublishedEnds(new Date(Date.now() + 1_000), 100), WAIT).toEqual([]);
    // Marked published: later polls enqueue it no more.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(at('bulk-left-b')).toHaveLength(1);
  });

  it('deliver the end of a bulk operation run for a connected seller to its BULK_OPERATION_FINISHED subscriptions', async () => {
    await subscribe('BULK_OPERATION_FINISHED', 'bulk-run-c', actingFor(everySeller.key, c.merchantId));
    const started = await gql(BULK, { query: '{ customers { edges { node { id } } } }' }, actingFor(everySeller.key, c.merchantId));
    expect(started.data.bulkOperationRunQuery).toMatchObject({ __typename: 'BulkOperationRunQuerySuccess' });
    const { id } = started.data.bulkOperationRunQuery.bulkOperation;
    await expect.poll(() => at('bulk-run-c').length, { ...WAIT, timeout: 60_000 }).toBe(1);
    // Seller C has the one customer an earlier test made: the run read it through the vault's token for C.
    expect(at('bulk-run-c')[0]!.payload).toMatchObject({
      topic: 'BULK_OPERATION_FINISHED',
      merchantId: c.merchantId,
      data: { id, status: 'COMPLETED', errorCode: null, objectCount: 1 },
    });
  });
});
