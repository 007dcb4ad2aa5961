import { print } from 'graphql';
import { SquareError } from 'square';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../../src/gateway/api-keys.js';
import { graphql } from '../../gql/index.js';
import { createTestGateway, useGateway } from '../../support/gateway.js';
import { actingFor, connectSeller, memoryVault, partnerGateway, type ConnectedTestSeller } from '../../support/sellers.js';
import { DEMO_APP } from '../../support/vaults.js';

const SELLERS = graphql(`query OAuthSellers {
  sellers { merchantId businessName status scopes connectedAt accessTokenExpiresAt lastRefreshedAt refreshFailures lastRefreshError disconnectedAt disconnectReason }
}`);
const DISCONNECT = graphql(`mutation OAuthDisconnectSeller($merchantId: String!) {
  disconnectSeller(input: { merchantId: $merchantId }) {
    __typename
    ... on DisconnectSellerSuccess { seller { merchantId status disconnectReason disconnectedAt accessTokenExpiresAt } }
    ... on NotFoundError { field message }
  }
}`);

const vault = memoryVault();
const all = generateKey('partner-all', ['CUSTOMERS_READ'], { sellers: '*' });
const own = generateKey('own-seller', ['CUSTOMERS_READ']);
const ring = ApiKeyRing.parse(JSON.stringify({ keys: [all.entry, own.entry] }), 'test keys');
const stack = useGateway({ apiKeys: ring, gateway: partnerGateway(vault) });
afterAll(() => vault.close());

let a: ConnectedTestSeller;
let b: ConnectedTestSeller;
let c: ConnectedTestSeller;
const onlyB = generateKey('partner-b', ['CUSTOMERS_READ'], { sellers: ['placeholder'] });
beforeAll(async () => {
  a = await connectSeller(stack, vault, { scopes: ['CUSTOMERS_READ', 'MERCHANT_PROFILE_READ'] });
  b = await connectSeller(stack, vault);
  c = await connectSeller(stack, vault);
  onlyB.entry.sellers = [b.merchantId];
  ring.replaceWith(ApiKeyRing.parse(JSON.stringify({ keys: [all.entry, own.entry, onlyB.entry] }), 'test keys'));
});

/** The application's own SDK client, straight to the emulator: what Square now says of a seller's tokens. */
const tokenWorks = async (seller: ConnectedTestSeller) =>
  stack
    .square(seller.accessToken)
    .locations.list()
    .then(
      () => true,
      (error: unknown) => {
        if (error instanceof SquareError && error.statusCode === 401) return false;
        throw error;
      },
    );

describe('sellers', () => {
  it('lists the connected sellers a partner key may act for, by merchant id, never their tokens', async () => {
    const listed = await stack.gql(SELLERS, {}, { headers: { 'x-api-key': all.key } });
    expect(listed.errors).toBeUndefined();
    const sellers = listed.data!.sellers!;
    expect(sellers.map((s) => s.merchantId)).toEqual([a.merchantId, b.merchantId, c.merchantId].sort());
    const first = sellers.find((s) => s.merchantId === a.merchantId)!;
    expect(first).toEqual({
      merchantId: a.merchantId,
      businessName: `Seller ${a.merchantId}`,
      status: 'CONNECTED',
      scopes: ['CUSTOMERS_READ', 'MERCHANT_PROFILE_READ'],
      connectedAt: expect.any(String),
      accessTokenExpiresAt: expect.any(String),
      lastRefreshedAt: null,
      refreshFailures: 0,
      lastRefreshError: null,
      disconnectedAt: null,
      disconnectReason: null,
    });
    // Square's 30 days from the connection.
    expect(Date.parse(first.accessTokenExpiresAt!) - Date.parse(first.connectedAt)).toBeGreaterThan(29 * 86_400_000);
    expect(JSON.stringify(listed)).not.toContain(a.accessToken);

    const narrow = await stack.gql(SELLERS, {}, { headers: actingFor(onlyB.key, b.merchantId) });
    expect(narrow.data!.sellers!.map((s) => s.merchantId)).toEqual([b.merchantId]);
  });

  it('is FORBIDDEN to a key of the gateway’s own seller', async () => {
    const refused = await stack.gql(SELLERS, {}, { headers: { 'x-api-key': own.key } });
    expect(refused.data?.sellers).toBeNull();
    expect(refused.errors?.[0]).toMatchObject({ path: ['sellers'], extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('partner API key') });
  });
});

describe('disconnectSeller', () => {
  it('revokes the seller’s authorization at Square and forgets its tokens; again, it answers the seller as it is', async () => {
    expect(await tokenWorks(c)).toBe(true);
    await stack.clearCalls();
    const done = await stack.gql(DISCONNECT, { merchantId: c.merchantId }, { headers: { 'x-api-key': all.key } });
    expect(done.errors).toBeUndefined();
    expect(done.data!.disconnectSeller).toEqual({
      __typename: 'DisconnectSellerSuccess',
      seller: { merchantId: c.merchantId, status: 'DISCONNECTED', disconnectReason: 'DISCONNECTED_BY_PARTNER', disconnectedAt: expect.any(String), accessTokenExpiresAt: null },
    });
    expect(await stack.calls()).toEqual(['POST /oauth2/revoke']);
    expect(await tokenWorks(c)).toBe(false);
    expect(await vault.accessToken(c.merchantId)).toBeUndefined();

    await stack.clearCalls();
    const again = await stack.gql(DISCONNECT, { merchantId: c.merchantId }, { headers: { 'x-api-key': all.key } });
    expect(again.data!.disconnectSeller).toMatchObject({ __typename: 'DisconnectSellerSuccess', seller: { status: 'DISCONNECTED' } });
    expect(await stack.calls()).toEqual([]);
    const acting = await stack.gql(graphql(`query OAuthDisconnectedCustomers { customers(first: 1) { edges { node { id } } } }`), {}, { headers: actingFor(all.key, c.merchantId) });
    expect(acting.errors?.map((e) => e.extensions?.code)).toEqual(['SELLER_DISCONNECTED']);
  });

  it('answers an unknown seller with NotFoundError, and a seller the key may not act for with FORBIDDEN, revoking nothing', async () => {
    await stack.clearCalls();
    const unknown = await stack.gql(DISCONNECT, { merchantId: 'MLNOSUCHSELLER' }, { headers: { 'x-api-key': all.key } });
    expect(unknown.data!.disconnectSeller).toMatchObject({ __typename: 'NotFoundError', field: 'input.merchantId' });
    const notTheirs = await stack.gql(DISCONNECT, { merchantId: a.merchantId }, { headers: { 'x-api-key': onlyB.key } });
    expect(notTheirs.data?.disconnectSeller).toBeNull();
    expect(notTheirs.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const ownKey = await stack.gql(DISCONNECT, { merchantId: a.merchantId }, { headers: { 'x-api-key': own.key } });
    expect(ownKey.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await stack.calls()).toEqual([]);
    expect((await vault.seller(a.merchantId))?.status).toBe('CONNECTED');
  });

  it('keeps the seller connected when Square refuses to revoke, and says why', async () => {
    const wrongSecret = createTestGateway(stack.emulatorUrl, {
      apiKeys: ring,
      gateway: { vault: { vault, application: { id: DEMO_APP.id, secret: 'not-the-secret' } } },
    });
    try {
      const url = await wrongSecret.listen();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': all.key },
        body: JSON.stringify({ query: print(DISCONNECT), variables: { merchantId: a.merchantId } }),
      });
      const result = (await response.json()) as { data: { disconnectSeller: unknown }; errors: Array<{ message: string; extensions: { code: string } }> };
      expect(result.data.disconnectSeller).toBeNull();
      expect(result.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(result)).not.toContain('not-the-secret');
    } finally {
      await wrongSecret.close();
    }
    expect((await vault.seller(a.merchantId))?.status).toBe('CONNECTED');
    expect(await tokenWorks(a)).toBe(true);
  });

  it('only forgets the tokens on a gateway without the application’s secret (a public PKCE client), which Square lets revoke nothing', async () => {
    const publicClient = createTestGateway(stack.emulatorUrl, { apiKeys: ring, gateway: { vault: { vault, application: { id: DEMO_APP.id } } } });
    try {
      const url = await publicClient.listen();
      await stack.clearCalls();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': all.key },
        body: JSON.stringify({ query: print(DISCONNECT), variables: { merchantId: b.merchantId } }),
      });
      const result = (await response.json()) as { data: { disconnectSeller: { seller: { status: string } } } };
      expect(result.data.disconnectSeller.seller.status).toBe('DISCONNECTED');
      expect(await stack.calls()).toEqual([]);
    } finally {
      await publicClient.close();
    }
    expect(await vault.accessToken(b.merchantId)).toBeUndefined();
    expect(await tokenWorks(b)).toBe(true);
  });
});
