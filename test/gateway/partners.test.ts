import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../src/apis/registry.js';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { graphql } from '../gql/index.js';
import { useGateway } from '../support/gateway.js';
import { newCustomer } from '../support/payments.js';
import { actingFor, connectSeller, memoryVault, partnerGateway, type ConnectedTestSeller } from '../support/sellers.js';

const CUSTOMERS = graphql(`query PartnerCustomers { customers(first: 10) { edges { node { squareId givenName } } } }`);
const MERCHANT_AND_SELLERS = graphql(`query PartnerMerchantAndSellers { merchant { squareId } sellers { merchantId status } }`);

const vault = memoryVault();
const own = generateKey('own-seller', ['CUSTOMERS_READ', 'MERCHANT_PROFILE_READ']);
const everyone = generateKey('partner-all', [...SCOPES], { sellers: '*' });
const ring = ApiKeyRing.parse(JSON.stringify({ keys: [own.entry, everyone.entry] }), 'test keys');
const stack = useGateway({ apiKeys: ring, gateway: partnerGateway(vault) });
afterAll(() => vault.close());

let a: ConnectedTestSeller;
let b: ConnectedTestSeller;
/** Allowed seller A only, once A is connected. */
const onlyA = generateKey('partner-a', ['CUSTOMERS_READ', 'MERCHANT_PROFILE_READ'], { sellers: ['placeholder'] });

beforeAll(async () => {
  a = await connectSeller(stack, vault);
  b = await connectSeller(stack, vault);
  onlyA.entry.sellers = [a.merchantId];
  ring.replaceWith(ApiKeyRing.parse(JSON.stringify({ keys: [own.entry, everyone.entry, onlyA.entry] }), 'test keys'));
});

describe('partner keys', () => {
  it('act for the connected seller each request names, with that seller’s token and data', async () => {
    await newCustomer(stack.square(a.token), 'Alba');
    await newCustomer(stack.square(b.token), 'Bruno');
    await stack.clearCalls();
    const forA = await stack.gql(CUSTOMERS, {}, { headers: actingFor(everyone.key, a.merchantId) });
    expect(forA.errors).toBeUndefined();
    expect(forA.data!.customers!.edges.map((e) => e.node.givenName)).toEqual(['Alba']);
    const forB = await stack.gql(CUSTOMERS, {}, { headers: actingFor(everyone.key, b.merchantId) });
    expect(forB.data!.customers!.edges.map((e) => e.node.givenName)).toEqual(['Bruno']);
    const merchant = await stack.gql(MERCHANT_AND_SELLERS, {}, { headers: actingFor(onlyA.key, a.merchantId) });
    expect(merchant.data?.merchant?.squareId).toBe(a.merchantId);
    // Square saw the sellers' OAuth tokens, never the gateway's own.
    const { requests } = (await (await fetch(`${stack.emulatorUrl}/_emulator/requests`)).json()) as { requests: Array<{ merchant_id: string }> };
    expect(new Set(requests.map((r) => r.merchant_id))).toEqual(new Set([a.merchantId, b.merchantId]));
  });

  it('answer a request naming no seller with SELLER_REQUIRED on each field that needs one, and their own fields', async () => {
    await stack.clearCalls();
    const result = await stack.gql(MERCHANT_AND_SELLERS, {}, { headers: { 'x-api-key': everyone.key } });
    expect(result.status).toBe(200);
    expect(result.data?.merchant).toBeNull();
    expect(result.errors).toEqual([expect.objectContaining({ path: ['merchant'], extensions: expect.objectContaining({ code: 'SELLER_REQUIRED' }) })]);
    expect(result.errors![0]!.message).toContain('x-square-merchant-id');
    expect(result.data?.sellers?.map((s) => s.merchantId).sort()).toEqual([a.merchantId, b.merchantId].sort());
    expect(await stack.calls()).toEqual([]);
  });

  it('refuse a seller the key may not act for, one that never connected, and the header on a key of the gateway’s own seller', async () => {
    await stack.clearCalls();
    const notAllowed = await stack.gql(CUSTOMERS, {}, { headers: actingFor(onlyA.key, b.merchantId) });
    expect(notAllowed.status).toBe(403);
    expect(notAllowed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // A key allowed a list of sellers learns nothing of others: an unknown one is refused alike.
    const unknownToA = await stack.gql(CUSTOMERS, {}, { headers: actingFor(onlyA.key, 'MLNOSUCHSELLER') });
    expect(unknownToA.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await stack.gql(CUSTOMERS, {}, { headers: actingFor(everyone.key, 'MLNOSUCHSELLER') });
    expect(unknown.status).toBe(403);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('SELLER_NOT_CONNECTED');
    const ownKey = await stack.gql(CUSTOMERS, {}, { headers: actingFor(own.key, a.merchantId) });
    expect(ownKey.status).toBe(403);
    expect(ownKey.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('partner keys') });
    expect(await stack.calls()).toEqual([]);
  });

  it('leave a key of the gateway’s own seller acting with the server token, and show it no connected seller', async () => {
    const result = await stack.gql(MERCHANT_AND_SELLERS, {}, { headers: { 'x-api-key': own.key } });
    expect(result.data?.merchant?.squareId).toBe(stack.emulator.ctx.merchantFor('gateway-test-token'));
    expect(result.data?.sellers).toBeNull();
    expect(result.errors).toEqual([expect.objectContaining({ path: ['sellers'], extensions: { code: 'FORBIDDEN' } })]);
  });
});

describe('partner keys without API keys (demo mode)', () => {
  const demoVault = memoryVault();
  const demo = useGateway({ gateway: partnerGateway(demoVault) });
  afterAll(() => demoVault.close());

  it('let every caller act for every connected seller by the header, and for the server’s seller without it', async () => {
    const seller = await connectSeller(demo, demoVault);
    const acting = await demo.gql(MERCHANT_AND_SELLERS, {}, { headers: { 'x-square-merchant-id': seller.merchantId } });
    expect(acting.errors).toBeUndefined();
    expect(acting.data).toEqual({ merchant: { squareId: seller.merchantId }, sellers: [{ merchantId: seller.merchantId, status: 'CONNECTED' }] });
    const own = await demo.gql(MERCHANT_AND_SELLERS);
    expect(own.data?.merchant?.squareId).toBe(demo.emulator.ctx.merchantFor('gateway-test-token'));
  });
});
