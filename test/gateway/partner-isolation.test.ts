import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../src/apis/registry.js';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { globalId } from '../../src/schema/ids.js';
import { graphql } from '../gql/index.js';
import { trackWebhooks } from '../support/cache.js';
import { key } from '../support/fixtures.js';
import { countCalls, useGateway } from '../support/gateway.js';
import { newCustomer } from '../support/payments.js';
import { actingFor, connectSeller, memoryVault, partnerGateway, type ConnectedTestSeller } from '../support/sellers.js';
import { DEMO_APP } from '../support/vaults.js';
import { subscribeSse, type SseSubscription } from '../support/sse.js';

const CUSTOMER = graphql(`query PartnerIsolationCustomer($id: ID!) { customer(id: $id) { squareId givenName } }`);
const NODE = graphql(`query PartnerIsolationNode($id: ID!) { node(id: $id) { id ... on Customer { givenName } } }`);
const PAYMENTS = print(graphql(`subscription PartnerIsolationPayments { paymentUpdated { squareId } }`));

/**
 * Two connected sellers through one partner key, on a gateway that keeps a cache and receives
 * Square's webhooks: everything kept per seller — cached reads, the Square budget, live
 * updates, webhooks routed by merchant_id — stays each seller's own.
 */
const vault = memoryVault();
const partner = generateKey('partner-all', [...SCOPES], { sellers: '*' });
const onlyA = generateKey('partner-a', ['CUSTOMERS_READ', 'PAYMENTS_READ'], { sellers: ['placeholder'] });
const ring = ApiKeyRing.parse(JSON.stringify({ keys: [partner.entry] }), 'test keys');
const BURST = 100;
const stack = useGateway({
  apiKeys: ring,
  webhooks: true,
  cacheTtlMs: 600_000,
  budget: { ratePerSecond: 0.5, burst: BURST },
  gateway: partnerGateway(vault),
});
afterAll(() => vault.close());

let a: ConnectedTestSeller;
let b: ConnectedTestSeller;
let applied: () => Promise<string[]>;
beforeAll(async () => {
  a = await connectSeller(stack, vault);
  b = await connectSeller(stack, vault);
  onlyA.entry.sellers = [a.merchantId];
  ring.replaceWith(ApiKeyRing.parse(JSON.stringify({ keys: [partner.entry, onlyA.entry] }), 'test keys'));
  applied = trackWebhooks(stack);
});

const read = (id: string, seller: ConnectedTestSeller, apiKey = partner.key) => stack.gql(CUSTOMER, { id }, { headers: actingFor(apiKey, seller.merchantId) });

describe('two connected sellers through one partner key', () => {
  it('keep their cached reads apart, and a webhook routed by merchant_id drops only its seller’s', async () => {
    const alba = await newCustomer(stack.square(a.token), 'Alba');
    const bruno = await newCustomer(stack.square(b.token), 'Bruno');
    await applied();
    expect((await read(alba, a)).data?.customer?.givenName).toBe('Alba');
    expect((await read(bruno, b)).data?.customer?.givenName).toBe('Bruno');
    await stack.clearCalls();
    expect((await read(alba, a)).data?.customer?.givenName).toBe('Alba');
    expect((await read(bruno, b)).data?.customer?.givenName).toBe('Bruno');
    expect(await stack.calls()).toEqual([]);
    // Each seller's id read for the other goes to Square with the other's token, which finds nothing: never the first's cached copy.
    expect((await read(alba, b)).data?.customer).toBeNull();
    expect((await read(bruno, a)).data?.customer).toBeNull();
    expect(countCalls(await stack.calls()).BulkRetrieveCustomers).toBe(2);

    await stack.square(a.token).customers.update({ customerId: alba, givenName: 'Alba Renamed' });
    expect(await applied()).toContain('customer.updated');
    await stack.clearCalls();
    expect((await read(alba, a)).data?.customer?.givenName).toBe('Alba Renamed');
    expect((await read(bruno, b)).data?.customer?.givenName).toBe('Bruno');
    // A's entry was dropped and read again; B's stayed.
    expect(countCalls(await stack.calls()).BulkRetrieveCustomers).toBe(1);
  });

  it('spend each seller’s own Square budget, as extensions.cost tells', async () => {
    const spend = async (seller: ConnectedTestSeller) => {
      // A lookup of an unknown id is never cached: each one is a Square call.
      const result = await read(key().replaceAll('-', '').slice(0, 26).toUpperCase(), seller);
      return (result as { extensions?: { cost: { throttleStatus: { currentlyAvailable: number } } } }).extensions!.cost.throttleStatus.currentlyAvailable;
    };
    let left = BURST;
    for (let i = 0; i < 5; i++) left = await spend(a);
    expect(left).toBeLessThanOrEqual(BURST - 5);
    expect(await spend(b)).toBeGreaterThan(left + 2);
  });

  it('deliver each seller’s live updates to its own subscribers only', async () => {
    const open: SseSubscription[] = [];
    try {
      for (const seller of [a, b]) open.push(await subscribeSse(stack.url, PAYMENTS, {}, { headers: actingFor(partner.key, seller.merchantId) }));
      const paid = new Map<ConnectedTestSeller, string>();
      for (const seller of [a, b]) {
        const { payment } = await stack.square(seller.token).payments.create({ idempotencyKey: key(), sourceId: 'cnon:card-nonce-ok', amountMoney: { amount: 100n, currency: 'USD' } });
        paid.set(seller, payment!.id!);
      }
      for (const [i, seller] of [a, b].entries()) {
        const message = await open[i]!.next();
        expect(message.errors).toBeUndefined();
        expect(message.data.paymentUpdated.squareId).toBe(paid.get(seller));
        for (const late of await open[i]!.drain(300)) expect(late.data.paymentUpdated.squareId).toBe(paid.get(seller));
      }
    } finally {
      open.forEach((s) => s.close());
    }
  });

  it('keep a seller’s budget and cached reads across a renewal of its token, which later calls use', async () => {
    const customerId = await newCustomer(stack.square(a.token), 'Renewed');
    expect((await read(customerId, a)).data?.customer?.givenName).toBe('Renewed');
    const [claim] = (await vault.claimDueRefreshes(new Date(Date.now() + 40 * 86_400_000), 60_000, 100)).filter((c) => c.merchantId === a.merchantId);
    const renewed = (await (
      await fetch(`${stack.emulatorUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: DEMO_APP.id, client_secret: DEMO_APP.secret, grant_type: 'refresh_token', refresh_token: claim!.refreshToken }),
      })
    ).json()) as { access_token: string; expires_at: string; refresh_token: string };
    expect(await vault.refreshed(claim!, { accessToken: renewed.access_token, refreshToken: renewed.refresh_token, expiresAt: renewed.expires_at })).toBe(true);
    // The old access token stops working: only the renewed one can read from now on.
    await fetch(`${stack.emulatorUrl}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Client ${DEMO_APP.secret}` },
      body: JSON.stringify({ client_id: DEMO_APP.id, access_token: a.accessToken, revoke_only_access_token: true }),
    });
    // The customer's own webhook may land after the first read and drop its copy: a read then fills the cache again.
    let cached = await read(customerId, a);
    await expect
      .poll(async () => {
        await stack.clearCalls();
        cached = await read(customerId, a);
        return stack.calls();
      }, { timeout: 15_000 })
      .toEqual([]);
    expect(cached.data?.customer?.givenName).toBe('Renewed');
    const before = (cached as { extensions?: { cost: { throttleStatus: { currentlyAvailable: number } } } }).extensions!.cost.throttleStatus.currentlyAvailable;
    expect(before).toBeLessThan(BURST);
    const fresh = await read(await newCustomer(stack.square(a.token), 'After renewal'), a);
    expect(fresh.errors).toBeUndefined();
    expect(fresh.data?.customer?.givenName).toBe('After renewal');
    expect((await vault.seller(a.merchantId))?.status).toBe('CONNECTED');
  });
});

describe('a key allowed seller A only', () => {
  it('reads nothing of seller B by any route: the header, node ids of B’s objects, subscriptions', async () => {
    const bruno = await newCustomer(stack.square(b.token), 'Hidden');
    await stack.clearCalls();
    const byHeader = await read(bruno, b, onlyA.key);
    expect(byHeader.status).toBe(403);
    expect(byHeader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(byHeader.data ?? null).toBeNull();
    const byNode = await stack.gql(NODE, { id: globalId('Customer', bruno) }, { headers: actingFor(onlyA.key, a.merchantId) });
    expect(byNode.errors).toBeUndefined();
    expect(byNode.data?.node).toBeNull();
    const byId = await read(bruno, a, onlyA.key);
    expect(byId.data?.customer).toBeNull();
    // Square was asked with A's token only, and found nothing of B's.
    const { requests } = (await (await fetch(`${stack.emulatorUrl}/_emulator/requests`)).json()) as { requests: Array<{ merchant_id: string }> };
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.merchant_id === a.merchantId)).toBe(true);

    const refused = await subscribeSse(stack.url, PAYMENTS, {}, { headers: actingFor(onlyA.key, b.merchantId) });
    try {
      expect(refused.status).toBe(403);
    } finally {
      refused.close();
    }
    const sellers = await stack.gql(graphql(`query PartnerIsolationSellers { sellers { merchantId } }`), {}, { headers: { 'x-api-key': onlyA.key } });
    expect(sellers.data?.sellers).toEqual([{ merchantId: a.merchantId }]);
  });

  it('ends its subscription for A, with FORBIDDEN, once the keys file no longer allows it A', async () => {
    const open = await subscribeSse(stack.url, PAYMENTS, {}, { headers: actingFor(onlyA.key, a.merchantId) });
    try {
      ring.replaceWith(ApiKeyRing.parse(JSON.stringify({ keys: [partner.entry, { ...onlyA.entry, sellers: [b.merchantId] }] }), 'test keys'));
      expect((await open.next()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      await expect(open.next()).rejects.toThrow(/ended/);
      expect((await read(await newCustomer(stack.square(a.token)), a, onlyA.key)).status).toBe(403);
    } finally {
      open.close();
    }
  });
});
